package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

/** A pending task's place in an agent's queue: the index's own taking order, priority first, then the oldest. */
class QueuePlaceTests {

	@TempDir
	Path root;

	@Test
	void aTaskIsPlacedAfterHigherPrioritiesAndOlderTasksAmongThoseTheAgentMayTake() throws IOException {
		MutableClock clock = MutableClock.startingNow();
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), clock,
				(changed) -> {
				});
		try {
			TaskStore store = workspace.store();
			Task older = store.create(aTask("Older").build());
			Task urgent = store.create(aTask("Urgent").priority(5).build());
			Task mine = store.create(aTask("Mine").build());
			Task forOther = store.create(aTask("Someone else's").forAgent("agent_b").priority(9).build());
			Task reviewer = store.create(aTask("Needs a reviewer").forRole("reviewer").build());
			clock.advance(TaskIndex.SETTLE.multipliedBy(2));

			TaskIndex index = workspace.index();
			assertThat(index.place(mine, "agent_a", List.of())).isEqualTo(new TaskIndex.QueuePlace(3, 3));
			assertThat(index.place(urgent, "agent_a", List.of())).isEqualTo(new TaskIndex.QueuePlace(1, 3));
			assertThat(index.place(older, "agent_a", List.of("reviewer"))).isEqualTo(new TaskIndex.QueuePlace(2, 4));
			assertThat(index.place(forOther, "agent_a", List.of()).position()).as("not agent_a's to take").isZero();
			assertThat(index.place(reviewer, "agent_b", List.of()).position()).isZero();
			assertThat(index.place(forOther, "agent_b", List.of())).isEqualTo(new TaskIndex.QueuePlace(1, 4));
		}
		finally {
			workspace.close();
		}
	}

}
