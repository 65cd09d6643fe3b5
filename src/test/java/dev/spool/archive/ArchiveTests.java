package dev.spool.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.spool.MutableClock;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TransitionNotAllowedException;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Archiving moves a finished task's files into {@code archive/} under the same names, deletes nothing, never frees
 * its id, and a crash between its renames leaves the task archived or not, never lost.
 */
class ArchiveTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private final List<TaskChanged> changes = new ArrayList<>();

	private Workspace workspace;

	private TaskStore store;

	private Archive archive;

	@BeforeEach
	void openWorkspace() throws IOException {
		this.workspace = open();
		this.store = this.workspace.store();
		this.archive = Archive.of(this.workspace);
	}

	@Test
	void aFinishedTaskMovesWithItsOutputAndRecordsAndLeavesTheIndex() throws IOException {
		TaskId done = aDoneTask("Archive me");
		TaskId failed = aFailedTask();

		assertThat(this.archive.archive(done)).isTrue();
		assertThat(this.archive.archive(failed)).isTrue();

		assertThat(names("tasks")).isEmpty();
		assertThat(names("outputs")).isEmpty();
		assertThat(names(".spool/attempts")).isEmpty();
		assertThat(names("archive/tasks")).containsExactlyInAnyOrder(done + "_done.md", failed + "_failed.md");
		assertThat(names("archive/outputs")).containsExactly(done + "_result.md");
		assertThat(names("archive/attempts")).contains(done + ".1.json", failed + ".1.json", failed + ".2.json");
		assertThat(Files.readString(this.root.resolve("archive/outputs").resolve(done + "_result.md")))
			.contains("The answer to Archive me");
		assertThat(this.store.index().queries().total()).isZero();
		assertThat(this.changes).anyMatch((change) -> change.id().equals(done) && change.after() == null);
		assertThat(this.archive.isArchived(done)).isTrue();
	}

	@Test
	void theIdOfAnArchivedTaskIsNeverHandedOutAgainEvenAfterARestart() throws IOException {
		aDoneTask("First");
		TaskId highest = aDoneTask("Highest");
		this.archive.archive(highest);
		this.workspace.close();

		this.workspace = open();
		TaskId next = this.workspace.store()
			.create(aTask("After the archive").build())
			.id();

		assertThat(next.number()).isGreaterThan(highest.number());
	}

	@Test
	void onlyFinishedTasksThatNoUnfinishedTaskNeedsAreArchived() throws IOException {
		TaskId pending = this.store.create(aTask("Still to do").build()).id();
		TaskId needed = aDoneTask("Needed");
		this.store.create(aTask("Needs it").held().after(needed).build());

		assertThatExceptionOfType(TransitionNotAllowedException.class)
			.isThrownBy(() -> this.archive.archive(pending))
			.withMessageContaining("pending");
		assertThatExceptionOfType(TransitionNotAllowedException.class)
			.isThrownBy(() -> this.archive.archive(needed))
			.withMessageContaining("depends on it");
		assertThatExceptionOfType(TaskNotFoundException.class)
			.isThrownBy(() -> this.archive.archive(TaskId.of(999)));
		assertThat(names("archive/tasks")).isEmpty();
		assertThat(names("tasks")).contains(pending + "_pending.md", needed + "_done.md");
	}

	@Test
	void aCrashAfterTheTaskFileMovedIsFinishedAtTheNextStart() throws IOException {
		TaskId done = aDoneTask("Interrupted");
		TaskId other = aDoneTask("Left alone");
		this.workspace.close();
		// What a process killed right after the archive's first rename leaves: the task file archived, the rest not.
		Files.createDirectories(this.root.resolve("archive/tasks"));
		Files.move(this.root.resolve("tasks").resolve(done + "_done.md"),
				this.root.resolve("archive/tasks").resolve(done + "_done.md"), StandardCopyOption.ATOMIC_MOVE);

		this.workspace = open();
		Archive.of(this.workspace);

		assertThat(names("archive/outputs")).containsExactly(done + "_result.md");
		assertThat(names("archive/attempts")).containsExactly(done + ".1.json");
		assertThat(names("outputs")).containsExactly(other + "_result.md");
		assertThat(names(".spool/attempts")).containsExactly(other + ".1.json");
		assertThat(this.workspace.index().find(done)).isEmpty();
		assertThat(this.workspace.index().find(other)).isPresent();
	}

	@Test
	void tasksFinishedBeforeATimeAreChosenOldestFirst() {
		TaskId first = aDoneTask("Old");
		TaskId second = aFailedTask();
		this.clock.advance(Duration.ofDays(10));
		aDoneTask("New");

		assertThat(this.archive.finishedBefore(this.clock.instant().minus(Duration.ofDays(5))))
			.containsExactly(first, second);
	}

	// --- tasks, through the workspace's own verbs

	private TaskId aDoneTask(String prompt) {
		Task task = this.store.create(aTask(prompt).build());
		this.store.complete(this.store.claim(task, "agent_a").orElseThrow(),
				new Answer("The answer to " + prompt, "stub-model", false, null));
		return task.id();
	}

	private TaskId aFailedTask() {
		Task task = this.store.create(aTask("Fails").build());
		while (this.store.index().find(task.id()).orElseThrow().state() != TaskState.FAILED) {
			this.store.fail(this.store.claim(this.store.index().find(task.id()).orElseThrow(), "agent_a").orElseThrow(),
					"it broke");
		}
		return task.id();
	}

	private Workspace open() throws IOException {
		return Workspace.open(this.root, new Workspace.Settings(false, 1024, 2), this.clock, this.changes::add);
	}

	private List<String> names(String folder) throws IOException {
		Path path = this.root.resolve(folder);
		if (!Files.isDirectory(path)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(path)) {
			return files.map((file) -> file.getFileName().toString()).filter((name) -> !name.startsWith(".")).toList();
		}
	}

}
