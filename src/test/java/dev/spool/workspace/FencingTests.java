package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A late holder of a claim never publishes over a new claim of the same agent name. */
class FencingTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void aLateHolderLosesEvenInTheMomentBetweenANewSameNamedClaimAndItsStamp() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(change) -> {
				});
		Task task = workspace.store().create(NewTask.of("contended"));
		Claim late = workspace.store().claim(task, "shellbot").orElseThrow();
		assertThat(workspace.store().requeueStale(late.file(), "no heartbeat")).hasValue(TaskState.PENDING);

		// Another copy of the same agent renames the pending file to the same in-progress name, and has not stamped
		// it yet (a shell agent stamps with a second command). A rename keeps the modification time.
		Path tasks = this.root.resolve("tasks");
		Files.move(tasks.resolve(task.id() + "_pending.md"), tasks.resolve(task.id() + "_inprogress_shellbot.md"));

		assertThat(workspace.store().complete(late, new Answer("late answer", "m", false, null))).isFalse();
		assertThat(tasks.resolve(task.id() + "_inprogress_shellbot.md")).as("the new claim is untouched").exists();
		assertThat(workspace.layout().output(task.id())).doesNotExist();
	}

	@Test
	void aLateHolderLosesAfterAPersonsRequeueToo() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(change) -> {
				});
		Task task = workspace.store().create(NewTask.of("requeued"));
		Claim late = workspace.store().claim(task, "shellbot").orElseThrow();
		assertThat(workspace.store().requeue(late.file())).isTrue();
		Path tasks = this.root.resolve("tasks");
		Files.move(tasks.resolve(task.id() + "_pending.md"), tasks.resolve(task.id() + "_inprogress_shellbot.md"));

		assertThat(workspace.store().complete(late, new Answer("late answer", "m", false, null))).isFalse();
	}

}
