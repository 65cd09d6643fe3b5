package dev.spool.workspace;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Files in tasks/ and outputs/ that Spool did not write: flagged, left where they are, never followed. */
class HostileFilesTests {

	@TempDir
	Path root;

	@TempDir
	Path outside;

	private Workspace workspace;

	@BeforeEach
	void open() throws IOException {
		this.workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), Clock.systemUTC(),
				(change) -> {
				});
	}

	@Test
	void badTaskFilesAreFlaggedAndNeverOffered() throws IOException {
		Path tasks = this.root.resolve("tasks");
		Files.write(tasks.resolve("task_001_pending.md"), new byte[] { 'h', 'i', 0, 1, 2, (byte) 0xff });
		Files.write(tasks.resolve("task_002_pending.md"), new byte[0]);
		Files.createDirectory(tasks.resolve("task_003_pending.md"));
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), "outside the workspace");
		Files.createSymbolicLink(tasks.resolve("task_004_pending.md"), secret);
		Files.writeString(tasks.resolve("task_005_pending.md"), "---\ntitle: [broken\n---\nprompt");
		try (RandomAccessFile huge = new RandomAccessFile(tasks.resolve("task_006_pending.md").toFile(), "rw")) {
			huge.setLength(100L * 1024 * 1024);
		}
		Files.writeString(tasks.resolve("notes.txt"), "not a task");
		Files.writeString(tasks.resolve("task_7.md"), "no state");

		this.workspace.index().rescan();

		TaskIndex index = this.workspace.index();
		assertThat(problem(1)).contains("not UTF-8");
		assertThat(problem(2)).contains("no prompt");
		assertThat(problem(3)).contains("not a regular file");
		assertThat(problem(4)).contains("symbolic link");
		assertThat(problem(5)).contains("front matter");
		assertThat(problem(6)).contains("104857600 bytes, more than the limit");
		assertThat(index.strays()).containsExactlyInAnyOrder("notes.txt", "task_7.md");
		assertThat(index.claimable("agent_a", 100)).isEmpty();
		assertThat(this.workspace.store().readPrompt(TaskId.of(4))).doesNotContain("outside");
		assertThat(Files.list(tasks)).hasSize(8);
	}

	@Test
	void aStrayFileThatIsRemovedIsNoLongerReported() throws IOException {
		Path stray = Files.writeString(this.root.resolve("tasks/README"), "hello");
		this.workspace.index().rescan();
		assertThat(this.workspace.index().strays()).containsExactly("README");

		Files.delete(stray);
		this.workspace.index().rescan();

		assertThat(this.workspace.index().strays()).isEmpty();
	}

	@Test
	void anOutputThatIsASymbolicLinkIsNeverServed() throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), "outside the workspace");
		Files.createSymbolicLink(this.root.resolve("outputs").resolve(task.id() + "_result.md"), secret);
		this.workspace.index().refresh(task.id());

		assertThat(this.workspace.store().readOutput(task.id())).isEmpty();
		assertThat(this.workspace.index().find(task.id()).orElseThrow().hasOutput()).isFalse();
	}

	private String problem(int number) {
		return this.workspace.index().find(TaskId.of(number)).orElseThrow().problem();
	}

}
