package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** What a stopped process left half-done is finished by a running process, not only by the next one to start. */
class StalledCommitTests {

	@TempDir
	Path root;

	/** The real time, moved on by hand: a file's change time, which no test can set, is compared with it. */
	private final MutableClock clock = MutableClock.frozenAt(Instant.now());

	@Test
	void anAnswerCommittedButNotLinkedForAMinuteIsPublishedWhileSpoolRuns() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(change) -> {
				});
		Task task = workspace.store().create(NewTask.of("stalled"));
		workspace.store().claim(task, "shellbot").orElseThrow();
		// What an agent leaves when it dies between its commit and its link: a staged answer and a done file.
		Path staged = workspace.layout().staging().resolve(task.id() + ".shellbot.12345.md");
		Files.writeString(staged, "the answer");
		Files.setLastModifiedTime(staged, FileTime.from(this.clock.instant()));
		Path tasks = workspace.layout().tasks();
		Files.move(tasks.resolve(task.id() + "_inprogress_shellbot.md"), tasks.resolve(task.id() + "_done.md"));

		workspace.store().publishStalledCommits();
		assertThat(workspace.layout().output(task.id())).as("too soon: the agent may be linking right now")
			.doesNotExist();

		this.clock.advance(TaskStore.STALLED_COMMIT.plus(Duration.ofSeconds(1)));
		workspace.store().publishStalledCommits();

		assertThat(workspace.store().readOutput(task.id())).hasValue("the answer");
		workspace.index().rescan();
		assertThat(workspace.index().find(task.id()).orElseThrow().hasOutput()).isTrue();
		assertThat(workspace.layout().staging()).isEmptyDirectory();
	}

	@Test
	void aMoveKilledBetweenItsLinkAndItsUnlinkIsFinishedWhileSpoolRuns() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(change) -> {
				});
		Task task = workspace.store().create(NewTask.of("half claimed"));
		// A shell agent's claim killed after `ln pending inprogress` and before `rm pending`: one file, two names.
		Path tasks = workspace.layout().tasks();
		Files.createLink(tasks.resolve(task.id() + "_inprogress_shellbot.md"), tasks.resolve(task.id() + "_pending.md"));
		workspace.index().rescan();
		assertThat(workspace.index().find(task.id()).orElseThrow().problem()).as("left alone meanwhile").isNotNull();

		workspace.store().repairInterruptedMoves();
		assertThat(tasks.resolve(task.id() + "_pending.md")).as("too soon: the move may be under way").exists();

		this.clock.advance(TaskStore.STALLED_COMMIT.plus(Duration.ofSeconds(1)));
		workspace.store().repairInterruptedMoves();

		assertThat(tasks.resolve(task.id() + "_pending.md")).doesNotExist();
		Task repaired = workspace.index().find(task.id()).orElseThrow();
		assertThat(repaired.problem()).isNull();
		assertThat(repaired.state()).as("the claim, which the stale sweep takes back if its agent is gone")
			.isEqualTo(TaskState.IN_PROGRESS);
	}

}
