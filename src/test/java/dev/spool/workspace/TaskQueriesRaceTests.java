package dev.spool.workspace;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task that changes state never goes missing from the indexes for a reader on another thread: a goal's planner that
 * asks whether a step has its task while an agent claims that task must find it, or it makes the step twice.
 */
class TaskQueriesRaceTests {

	private static final TaskId GOAL = TaskId.of(1);

	private static final TaskId STEP = TaskId.of(2);

	@Test
	void aStepsTaskIsFoundByEveryLookupWhileItsStateChanges() throws InterruptedException {
		TaskQueries queries = new TaskQueries();
		Task pending = step(TaskState.PENDING);
		Task working = step(TaskState.IN_PROGRESS);
		queries.replace(null, pending);
		AtomicBoolean done = new AtomicBoolean();
		AtomicInteger misses = new AtomicInteger();
		AtomicInteger lookups = new AtomicInteger();
		Thread planner = new Thread(() -> {
			while (!done.get()) {
				lookups.incrementAndGet();
				if (queries.goalStep(GOAL, "1").isEmpty() || queries.size(null) != 1) {
					misses.incrementAndGet();
				}
			}
		});
		planner.start();
		Task current = pending;
		for (int change = 0; change < 200_000; change++) {
			Task next = (current == pending) ? working : pending;
			queries.replace(current, next);
			current = next;
		}
		done.set(true);
		planner.join();

		assertThat(lookups.get()).as("lookups made meanwhile").isPositive();
		assertThat(misses.get()).as("lookups that found no task for the step").isZero();
		assertThat(queries.count(current.state())).isEqualTo(1);
		assertThat(queries.count((current == pending) ? TaskState.IN_PROGRESS : TaskState.PENDING)).isZero();
	}

	private static Task step(TaskState state) {
		TaskFile file = new TaskFile(STEP, state, state.hasOwner() ? "agent_a" : null);
		TaskDocument document = new TaskDocument(null, null, null, TaskDocument.Kind.TASK, 0, List.of(), null, null,
				null, null, new GoalStep(GOAL, "1"), "prompt", null);
		Instant at = Instant.parse("2026-11-28T10:00:00Z");
		return new Task(STEP, file, null, document, at, null, false, List.of(), null, 10, at, Instant.MIN);
	}

}
