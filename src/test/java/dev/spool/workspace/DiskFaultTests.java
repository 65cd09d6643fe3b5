package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A full disk, simulated by a file-writing seam that writes part of a file and then fails as ENOSPC does: the error
 * is clear, and nothing already written is lost or left half-written.
 */
class DiskFaultTests {

	@TempDir
	Path root;

	private volatile boolean diskFull;

	private WorkspaceLayout layout;

	private TaskIndex index;

	private TaskStore store;

	private ManifestWriter manifest;

	@BeforeEach
	void open() throws IOException {
		this.layout = new WorkspaceLayout(this.root);
		this.layout.createFolders();
		AtomicFiles files = new AtomicFiles(true, (channel, content) -> {
			if (this.diskFull) {
				ByteBuffer half = content.duplicate();
				half.limit(half.position() + half.remaining() / 2);
				channel.write(half);
				throw new IOException("No space left on device");
			}
			while (content.hasRemaining()) {
				channel.write(content);
			}
		});
		AttemptLog log = new AttemptLog(this.layout, files);
		this.index = new TaskIndex(this.layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		this.store = new TaskStore(this.layout, files, log, this.index, Clock.systemUTC(), 1 << 20, 3);
		this.manifest = new ManifestWriter(this.layout, files, this.index);
	}

	@Test
	void aFullDiskWhileWritingAnAnswerKeepsTheClaimAndTheEarlierResults() throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		this.store.complete(this.store.claim(first, "agent_a").orElseThrow(), answer("first answer"));
		Task second = this.store.create(NewTask.of("second"));
		Claim claim = this.store.claim(second, "agent_a").orElseThrow();

		this.diskFull = true;

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.complete(claim, answer("second answer")))
			.withMessageContaining("No space left on device");
		assertThat(Files.readString(this.layout.output(first.id()))).isEqualTo("first answer");
		assertThat(this.layout.output(second.id())).doesNotExist();
		assertThat(this.layout.task(claim.file())).as("the claim is kept, to be retried or taken back").exists();
		assertThat(leftovers()).isEmpty();

		this.diskFull = false;
		assertThat(this.store.complete(claim, answer("second answer"))).isTrue();
		assertThat(Files.readString(this.layout.output(second.id()))).isEqualTo("second answer");
	}

	@Test
	void aFullDiskWhileWritingTheManifestLeavesTheLastWholeOne() throws IOException {
		this.store.create(NewTask.of("listed"));
		this.index.rescan();
		this.manifest.write();
		String before = Files.readString(this.layout.manifest());

		this.store.create(NewTask.of("not yet listed"));
		this.diskFull = true;

		assertThatExceptionOfType(IOException.class).isThrownBy(this.manifest::write)
			.withMessageContaining("No space left on device");
		assertThat(Files.readString(this.layout.manifest())).isEqualTo(before);
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void aFullDiskWhileCreatingATaskWritesNoTaskFile() throws IOException {
		this.diskFull = true;

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("no room")))
			.withMessageContaining("No space left on device");
		try (Stream<Path> tasks = Files.list(this.layout.tasks())) {
			assertThat(tasks).isEmpty();
		}
		assertThat(leftovers()).isEmpty();
	}

	private static Answer answer(String text) {
		return new Answer(text, "m", false, null);
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.walk(this.root)) {
			return files.filter((path) -> path.getFileName().toString().endsWith(".tmp")).toList();
		}
	}

}
