package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A move never replaces a file, with the kernel's rename that refuses to and with the fallback of linking the new
 * name and unlinking the old, which also has to withdraw its link when another mover took the file in between.
 */
class AtomicFilesTests {

	@TempDir
	Path folder;

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void aMoveRenamesTheFile(boolean linking) throws IOException {
		Path source = Files.writeString(this.folder.resolve("task_001_pending.md"), "prompt");
		Path target = this.folder.resolve("task_001_inprogress_a.md");

		assertThat(files(linking).move(source, target)).isTrue();

		assertThat(source).doesNotExist();
		assertThat(target).hasContent("prompt");
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void aMoveNeverReplacesAFile(boolean linking) throws IOException {
		Path source = Files.writeString(this.folder.resolve("task_001_inprogress_a.md"), "a's answer");
		Path target = Files.writeString(this.folder.resolve("task_001_done.md"), "b's answer");

		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> files(linking).move(source, target));

		assertThat(source).hasContent("a's answer");
		assertThat(target).hasContent("b's answer");
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void aMoveOfAFileThatIsGoneLosesQuietly(boolean linking) throws IOException {
		Path target = this.folder.resolve("task_001_inprogress_a.md");

		assertThat(files(linking).move(this.folder.resolve("task_001_pending.md"), target)).isFalse();

		assertThat(target).doesNotExist();
	}

	@Test
	void contentLargerThanOneWriteIsWrittenWholeAStepAtATime() throws IOException {
		byte[] content = new byte[3 * Disk.WRITE_STEP + 17];
		new Random(7).nextBytes(content);
		Path target = this.folder.resolve("manifest.json");

		new AtomicFiles(false).replace(target, content);
		new AtomicFiles(false).publishNew(this.folder.resolve("task_001_result.md"), content);

		assertThat(Files.readAllBytes(target)).isEqualTo(content);
		assertThat(Files.readAllBytes(this.folder.resolve("task_001_result.md"))).isEqualTo(content);
	}

	@Test
	void onLinuxTheKernelRefusesToReplace() throws IOException {
		assumeThat(Platform.isLinux()).as("Linux, where JNA reaches renameat2").isTrue();
		Path source = Files.writeString(this.folder.resolve("a"), "a");
		Path taken = Files.writeString(this.folder.resolve("b"), "b");

		assertThatExceptionOfType(FileAlreadyExistsException.class)
			.isThrownBy(() -> NoReplaceRename.rename(source, taken));
		assertThat(NoReplaceRename.rename(source, this.folder.resolve("c"))).as("renamed by renameat2").isTrue();

		assertThat(this.folder.resolve("c")).hasContent("a");
		assertThat(taken).hasContent("b");
	}

	@Test
	void aStreamedReplacementIsWrittenWholeOrNotAtAll() throws IOException {
		byte[] content = new byte[5 * 65536 + 321];
		new Random(11).nextBytes(content);
		Path target = Files.writeString(this.folder.resolve("manifest.json"), "the old snapshot");
		RecordingDisk disk = new RecordingDisk(this.folder);
		AtomicFiles files = new AtomicFiles(true, disk);

		long written = files.replace(target, (out) -> {
			for (int at = 0; at < content.length; at += 1000) {
				out.write(content, at, Math.min(1000, content.length - at));
			}
		});

		assertThat(Files.readAllBytes(target)).isEqualTo(content);
		assertThat(written).as("the size it reports").isEqualTo(content.length);
		assertThat(disk.calls()).as("written a buffer at a time, flushed, then put in place")
			.filteredOn((call) -> call.startsWith("write ")).hasSizeBetween(6, 7);
		assertThat(disk.calls()).contains("force .manifest.json.*.tmp");
		assertThat(files.replace(this.folder.resolve("closed.json"), (out) -> {
			out.write(content, 0, 10);
			// As a JSON writer does when it is done: the file is still flushed and put in place.
			out.close();
		})).isEqualTo(10);
		assertThat(this.folder.resolve("closed.json")).hasBinaryContent(Arrays.copyOf(content, 10));
		Files.delete(this.folder.resolve("closed.json"));

		disk.fail(RecordingDisk.Call.WRITE, "", RecordingDisk.NO_SPACE);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> files.replace(target, (out) -> out.write(content)))
			.withMessageContaining(RecordingDisk.NO_SPACE);
		assertThat(Files.readAllBytes(target)).as("the old file, whole").isEqualTo(content);
		try (Stream<Path> names = Files.list(this.folder)) {
			assertThat(names).as("no temporary file left").containsExactly(target);
		}
	}

	@Test
	void aLinkingMoverWhoseFileAnotherMoverTookInBetweenWithdrawsItsLink() throws IOException {
		Path source = Files.writeString(this.folder.resolve("task_001_pending.md"), "prompt");
		Path target = this.folder.resolve("task_001_inprogress_a.md");
		Path other = this.folder.resolve("task_001_inprogress_b.md");
		AtomicFiles files = new AtomicFiles(false, new LinkingDisk() {

			@Override
			public void link(Path link, Path existing) throws IOException {
				super.link(link, existing);
				// Agent b's rename, between our link and our unlink.
				Files.move(existing, other);
			}

		});

		assertThat(files.move(source, target)).isFalse();

		assertThat(target).doesNotExist();
		assertThat(other).hasContent("prompt");
	}

	@Test
	void aLinkingMoverWhoseOldNameARepairRemovedInBetweenKeepsItsMove() throws IOException {
		Path source = Files.writeString(this.folder.resolve("task_001_pending.md"), "prompt");
		Path target = this.folder.resolve("task_001_inprogress_a.md");
		AtomicFiles files = new AtomicFiles(false, new LinkingDisk() {

			@Override
			public void link(Path link, Path existing) throws IOException {
				super.link(link, existing);
				// A workspace opening now takes the pair for one left by a crash and keeps the later name.
				Files.delete(existing);
			}

		});

		assertThat(files.move(source, target)).isTrue();

		assertThat(source).doesNotExist();
		assertThat(target).hasContent("prompt");
	}

	private static AtomicFiles files(boolean linking) {
		return linking ? new AtomicFiles(false, new LinkingDisk()) : new AtomicFiles(false);
	}

	/** A disk without a rename that refuses to replace, as on macOS, Windows or NFS. */
	static class LinkingDisk implements Disk {

		@Override
		public boolean renameWithoutReplacing(Path source, Path target) {
			return false;
		}

	}

}
