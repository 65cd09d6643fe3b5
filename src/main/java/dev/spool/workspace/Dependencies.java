package dev.spool.workspace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a task's {@code depends_on} means, read from what the index knows of the files, so every process and every
 * outside agent that reads the same files draws the same conclusions: what a task still waits for, which failed or
 * cancelled dependency fails it, and whether it depends on itself.
 */
public final class Dependencies {

	/** Longer chains than this are not followed when looking for a cycle; no real plan is that deep. */
	private static final int MAX_DEPTH = 1000;

	/**
	 * How long a dependency that is done may go without its output before its dependants start all the same. The
	 * commit (the rename to done) comes before the output is linked, by Spool and by outside agents alike, so for a
	 * moment a done task has no output; one that never gets one must not hold its dependants forever.
	 */
	static final Duration OUTPUT_GRACE = Duration.ofSeconds(10);

	private final Function<TaskId, Optional<Task>> tasks;

	private final Function<Task, Optional<Task>> streamsFrom;

	private final Clock clock;

	public Dependencies(Function<TaskId, Optional<Task>> tasks) {
		this(tasks, (task) -> Optional.empty(), Clock.systemUTC());
	}

	/**
	 * @param streamsFrom the stage a fifo pipeline stage reads from, which it cannot finish without
	 * @param clock the clock completion times were taken on
	 */
	public Dependencies(Function<TaskId, Optional<Task>> tasks, Function<Task, Optional<Task>> streamsFrom,
			Clock clock) {
		this.tasks = tasks;
		this.streamsFrom = streamsFrom;
		this.clock = clock;
	}

	/** Whether anything upstream can fail this task: a dependency, or the stage it streams from. */
	public boolean hasUpstream(Task task) {
		return !task.dependsOn().isEmpty() || this.streamsFrom.apply(task).isPresent();
	}

	/**
	 * The dependencies that are not done yet (a missing one included), in the order the task names them. A done one
	 * whose output is not there yet still counts, for {@link #OUTPUT_GRACE}.
	 */
	public List<TaskId> waitingFor(Task task) {
		Instant graceStart = this.clock.instant().minus(OUTPUT_GRACE);
		return task.dependsOn()
			.stream()
			.filter((id) -> this.tasks.apply(id).map((found) -> !handedOver(found, graceStart)).orElse(true))
			.toList();
	}

	private static boolean handedOver(Task dependency, Instant graceStart) {
		return dependency.state() == TaskState.DONE && (dependency.hasOutput()
				|| dependency.completedAt() == null || dependency.completedAt().isBefore(graceStart));
	}

	/** Whether every dependency is done, so the task may be claimed as far as its dependencies go. */
	public boolean ready(Task task) {
		return waitingFor(task).isEmpty();
	}

	/**
	 * The first dependency, in the task's order, that failed or was cancelled, or else the failed or cancelled stage
	 * it streams from: the task fails with it.
	 */
	public Optional<Task> blocker(Task task) {
		for (TaskId id : task.dependsOn()) {
			Optional<Task> found = this.tasks.apply(id);
			if (found.isPresent() && isDeadEnd(found.get())) {
				return found;
			}
		}
		return this.streamsFrom.apply(task).filter(Dependencies::isDeadEnd);
	}

	private static boolean isDeadEnd(Task task) {
		return task.state() == TaskState.FAILED || task.state() == TaskState.CANCELLED;
	}

	/** Why a task fails with this dependency, naming it: {@code task_003 failed: <its error>}. */
	public static String reason(Task dependency) {
		if (dependency.state() == TaskState.CANCELLED) {
			return "depends on " + dependency.id() + ", which was cancelled";
		}
		String error = dependency.error();
		return dependency.id() + " failed" + ((error != null) ? ": " + error : "");
	}

	/**
	 * A path by which an unfinished task depends on itself, starting and ending with it ({@code task_004, task_005,
	 * task_004}), or empty. Done tasks end the search: what they depended on no longer matters.
	 */
	public Optional<List<TaskId>> cycle(Task task) {
		if (task.state() == TaskState.DONE) {
			return Optional.empty();
		}
		List<TaskId> path = new ArrayList<>(List.of(task.id()));
		return search(task.id(), task, path, new HashSet<>()) ? Optional.of(List.copyOf(path)) : Optional.empty();
	}

	private boolean search(TaskId start, Task at, List<TaskId> path, Set<TaskId> visited) {
		if (path.size() > MAX_DEPTH) {
			return false;
		}
		for (TaskId next : at.dependsOn()) {
			path.add(next);
			if (next.equals(start)) {
				return true;
			}
			if (visited.add(next)) {
				Optional<Task> found = this.tasks.apply(next).filter((task) -> task.state() != TaskState.DONE);
				if (found.isPresent() && search(start, found.get(), path, visited)) {
					return true;
				}
			}
			path.remove(path.size() - 1);
		}
		return false;
	}

	/** Why agents leave a task alone because of its dependencies, in one line, or empty. */
	public Optional<String> problem(Task task) {
		return cycle(task).map(Dependencies::describeCycle);
	}

	static String describeCycle(List<TaskId> path) {
		if (path.size() == 2) {
			return "depends on itself";
		}
		return "depends on itself through "
				+ path.stream().skip(1).map(TaskId::text).collect(Collectors.joining(" → "));
	}

}
