package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A committed answer whose link never came is published by a running process, not only at the next start. */
class StalledCommitTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

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

}
