package dev.spool.workspace;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Files from shared folders are opened once, never through a link, never waiting on a pipe, checked as opened. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedFileTests {

	@TempDir
	Path folder;

	@TempDir
	Path outside;

	@Test
	void aRegularFileIsReadUpToTheLimitAndSaysWhatItIs() throws IOException {
		Path file = Files.writeString(this.folder.resolve("answer.md"), "hello, shared world");
		try (SharedFile opened = SharedFile.openRegular(file)) {
			assertThat(opened.status().kind()).isEqualTo(SharedFile.Kind.REGULAR);
			assertThat(opened.status().size()).isEqualTo(19);
			assertThat(opened.read(5)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
			assertThat(opened.read(100)).asString(StandardCharsets.UTF_8).isEqualTo(", shared world");
		}
	}

	@Test
	void existsAndIsRegularFileSayWhatAnyNameIsWithoutFollowingALink() throws Exception {
		Path file = Files.writeString(this.folder.resolve("file.md"), "text");
		Path folder = Files.createDirectory(this.folder.resolve("folder"));
		Path dangling = Files.createSymbolicLink(this.folder.resolve("dangling.md"), this.outside.resolve("none"));
		Path link = Files.createSymbolicLink(this.folder.resolve("link.md"), file);
		Path fifo = this.folder.resolve("pipe.md");
		new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
		List<Path> present = List.of(file, folder, dangling, link, fifo);
		List<Path> missing = List.of(this.folder.resolve("none.md"), this.folder.resolve("none/x.md"),
				file.resolve("under-a-file.md"), dangling.resolve("x.md"));

		assertThat(present).allSatisfy((path) -> assertThat(SharedFile.exists(path)).as("%s", path).isTrue());
		assertThat(missing).allSatisfy((path) -> assertThat(SharedFile.exists(path)).as("%s", path).isFalse());
		assertThat(present).allSatisfy((path) -> assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).isTrue());

		assertThat(SharedFile.isRegularFile(file)).isTrue();
		assertThat(List.of(folder, dangling, link, fifo)).as("names that are there but no regular file")
			.allSatisfy((path) -> assertThat(SharedFile.isRegularFile(path)).as("%s", path).isFalse());
		assertThat(missing).allSatisfy((path) -> assertThat(SharedFile.isRegularFile(path)).as("%s", path).isFalse());
	}

	@Test
	void aLinkIsRefusedWhereverItPoints() throws IOException {
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), "root only");
		Path link = Files.createSymbolicLink(this.folder.resolve("answer.md"), secret);
		assertThatExceptionOfType(SharedFile.RefusedFileException.class)
			.isThrownBy(() -> SharedFile.readRegular(link, 1000))
			.withMessageContaining("symbolic link");
	}

	@Test
	void aNamedPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
		Path fifo = this.folder.resolve("note.md");
		assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
		assertThatExceptionOfType(SharedFile.RefusedFileException.class)
			.isThrownBy(() -> SharedFile.readRegular(fifo, 1000))
			.withMessageContaining("named pipe");
	}

	@Test
	void aSocketAndAFolderAreRefused() throws IOException {
		Path socket = this.folder.resolve("socket.md");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			assertThatExceptionOfType(SharedFile.RefusedFileException.class)
				.isThrownBy(() -> SharedFile.readRegular(socket, 1000))
				.withMessageContaining("socket");
		}
		Path folder = Files.createDirectory(this.folder.resolve("folder.md"));
		assertThatExceptionOfType(SharedFile.RefusedFileException.class)
			.isThrownBy(() -> SharedFile.readRegular(folder, 1000))
			.withMessageContaining("folder");
	}

	@Test
	void aMissingFileIsNoSuchFile() {
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> SharedFile.readRegular(this.folder.resolve("gone.md"), 10));
	}

	@Test
	void aFileThatGrewOrShrankAfterItWasOpenedIsReadAsItIsNowUpToTheLimit() throws IOException {
		Path file = Files.writeString(this.folder.resolve("growing.md"), "start");
		String more = "-" + "0123456789".repeat(2_000);
		try (SharedFile opened = SharedFile.openRegular(file)) {
			Files.writeString(file, more, java.nio.file.StandardOpenOption.APPEND);
			assertThat(opened.status().size()).as("as opened").isEqualTo(5);
			assertThat(opened.read(1_000_000)).asString(StandardCharsets.UTF_8).isEqualTo("start" + more);
		}
		try (SharedFile opened = SharedFile.openRegular(file)) {
			assertThat(opened.read(12_345)).asString(StandardCharsets.UTF_8)
				.isEqualTo(("start" + more).substring(0, 12_345));
		}
		try (SharedFile opened = SharedFile.openRegular(file)) {
			Files.writeString(file, "cut");
			assertThat(opened.read(1_000_000)).asString(StandardCharsets.UTF_8).isEqualTo("cut");
			assertThat(opened.read(0)).isEmpty();
		}
	}

	@Test
	void aHugeSparseFileIsReadOnlyUpToTheLimit() throws IOException {
		Path huge = this.folder.resolve("huge.md");
		try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
			file.setLength(4L << 30);
		}
		try (SharedFile opened = SharedFile.openRegular(huge)) {
			assertThat(opened.status().size()).isEqualTo(4L << 30);
			assertThat(opened.read(64 * 1024)).hasSize(64 * 1024);
		}
	}

	@Test
	void whatWasOpenedIsReadAndStampedEvenWhenTheNameIsSwappedForALinkAfterwards() throws IOException {
		Path file = Files.writeString(this.folder.resolve("task_001_inprogress_a.md"), "the task");
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), "root only");
		Instant secretTime = Files.getLastModifiedTime(secret).toInstant();
		try (SharedFile opened = SharedFile.openRegular(file)) {
			Path moved = Files.move(file, this.folder.resolve("moved.md"));
			Files.createSymbolicLink(file, secret);
			Instant stamp = Instant.parse("2026-01-02T03:04:05.123456789Z");
			opened.setModified(stamp);
			assertThat(opened.read(100)).asString(StandardCharsets.UTF_8).isEqualTo("the task");
			assertThat(Files.getLastModifiedTime(moved).toInstant()).isEqualTo(stamp);
			assertThat(Files.getLastModifiedTime(secret).toInstant()).isEqualTo(secretTime);
			assertThat(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant()).isNotEqualTo(stamp);
		}
	}

	@Test
	void theStatusOfANameIsTheNameItselfNotWhereALinkPoints() throws IOException {
		Path link = Files.createSymbolicLink(this.folder.resolve("link"), this.outside);
		assertThat(SharedFile.statusAt(link)).get().extracting(SharedFile.Status::kind).isEqualTo(SharedFile.Kind.LINK);
		assertThat(SharedFile.statusAt(this.folder.resolve("none"))).isEmpty();
		Path file = Files.writeString(this.folder.resolve("mine"), "x");
		Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
		SharedFile.Status status = SharedFile.statusAt(file).orElseThrow();
		assertThat(status.mode()).isEqualTo(0664);
		assertThat(status.othersMayWrite()).isTrue();
		assertThat(status.owner()).isEqualTo(SharedFile.processOwner());
	}

}
