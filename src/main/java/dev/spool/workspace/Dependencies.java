package dev.spool.workspace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

	/** How long a chain of {@code depends_on} may be unless the settings say otherwise. */
	public static final int DEFAULT_MAX_DEPTH = 100;

	/**
	 * How long a dependency that is done may go without its output before its dependants start all the same. The
	 * commit (the rename to done) comes before the output is linked, by Spool and by outside agents alike, so for a
	 * moment a done task has no output; one that never gets one must not hold its dependants forever.
	 */
	static final Duration OUTPUT_GRACE = Duration.ofSeconds(10);

	private final Function<TaskId, Optional<Task>> tasks;

	private final Function<Task, Optional<Task>> streamsFrom;

	private final Clock clock;

	private final int maxDepth;

	public Dependencies(Function<TaskId, Optional<Task>> tasks) {
		this(tasks, (task) -> Optional.empty(), Clock.systemUTC(), DEFAULT_MAX_DEPTH);
	}

	/**
	 * @param streamsFrom the stage a fifo pipeline stage reads from, which it cannot finish without
	 * @param clock the clock completion times were taken on
	 * @param maxDepth the longest chain of unfinished tasks, in {@code depends_on} links, that a new task may
	 * start; a longer one written by hand is followed no further and flagged
	 */
	public Dependencies(Function<TaskId, Optional<Task>> tasks, Function<Task, Optional<Task>> streamsFrom,
			Clock clock, int maxDepth) {
		this.tasks = tasks;
		this.streamsFrom = streamsFrom;
		this.clock = clock;
		this.maxDepth = maxDepth;
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
	 * task_004}), or empty. Done tasks end the search: what they depended on no longer matters. A loop deeper than
	 * the depth limit is not followed to its end: {@link #problem(Task)} says the chain is too deep instead.
	 */
	public Optional<List<TaskId>> cycle(Task task) {
		return Optional.ofNullable(walk(task).cycle());
	}

	/**
	 * How many {@code depends_on} links the longest chain of unfinished tasks below this one has: 0 without
	 * dependencies, 1 when every dependency is done, missing or has none of its own; at most one more than the
	 * limit, where the walk stops.
	 */
	public int depth(Task task) {
		return walk(task).depth();
	}

	/**
	 * Why a new task depending on these would be refused: a chain of {@code depends_on} longer than the limit. Checked
	 * before anything is written.
	 */
	public Optional<String> depthProblem(List<TaskId> dependsOn) {
		int deepest = 0;
		for (TaskId id : dependsOn) {
			int below = this.tasks.apply(id).filter(Dependencies::isUnfinished).map(this::depth).orElse(0);
			deepest = Math.max(deepest, below + 1);
		}
		if (deepest <= this.maxDepth) {
			return Optional.empty();
		}
		return Optional.of(tooDeep());
	}

	/** Why agents leave a task alone because of its dependencies, in one line, or empty. */
	public Optional<String> problem(Task task) {
		Walk walk = walk(task);
		if (walk.cycle() != null) {
			return Optional.of(describeCycle(walk.cycle()));
		}
		if (walk.depth() > this.maxDepth) {
			return Optional.of(tooDeep());
		}
		return Optional.empty();
	}

	private String tooDeep() {
		return "depends on a chain deeper than " + this.maxDepth
				+ " unfinished tasks, each depending on the next (spool.max-dependency-depth)";
	}

	/**
	 * Depth first from the task through its unfinished dependencies, on a stack of its own rather than the thread's:
	 * files written by hand may chain any number of tasks. Stops at the first way back to the task (a cycle) or once a
	 * chain is longer than the limit; every task is entered once, and what was found below it is kept.
	 */
	private Walk walk(Task start) {
		if (!isUnfinished(start)) {
			return new Walk(null, 0);
		}
		Deque<Frame> path = new ArrayDeque<>();
		Set<TaskId> onPath = new HashSet<>();
		Map<TaskId, Integer> below = new HashMap<>();
		path.push(new Frame(start));
		onPath.add(start.id());
		while (!path.isEmpty()) {
			Frame top = path.peek();
			if (top.next == top.task.dependsOn().size()) {
				path.pop();
				onPath.remove(top.task.id());
				below.put(top.task.id(), top.deepest);
				if (!path.isEmpty()) {
					path.peek().reached(top.deepest + 1);
				}
				continue;
			}
			TaskId next = top.task.dependsOn().get(top.next++);
			// path.size() links lead from the start to next.
			if (next.equals(start.id())) {
				List<TaskId> cycle = new ArrayList<>();
				path.descendingIterator().forEachRemaining((frame) -> cycle.add(frame.task.id()));
				cycle.add(next);
				return new Walk(List.copyOf(cycle), path.size());
			}
			if (onPath.contains(next)) {
				// A loop that does not pass through the start: its own tasks are flagged.
				continue;
			}
			Integer known = below.get(next);
			Optional<Task> found = (known != null) ? Optional.empty()
					: this.tasks.apply(next).filter(Dependencies::isUnfinished);
			int reached = (known != null) ? known + 1 : 1;
			if (path.size() + reached - 1 > this.maxDepth) {
				return new Walk(null, this.maxDepth + 1);
			}
			top.reached(reached);
			if (found.isPresent() && !found.get().dependsOn().isEmpty()) {
				if (path.size() >= this.maxDepth) {
					return new Walk(null, this.maxDepth + 1);
				}
				path.push(new Frame(found.get()));
				onPath.add(next);
			}
		}
		return new Walk(null, below.get(start.id()));
	}

	private static boolean isUnfinished(Task task) {
		return task.state() != TaskState.DONE;
	}

	/** What a walk found: a cycle back to its start, or else the depth of the chain below it. */
	private record Walk(List<TaskId> cycle, int depth) {
	}

	/** A task on the walk's path, the index of the dependency to look at next, and the longest chain below it yet. */
	private static final class Frame {

		private final Task task;

		private int next;

		private int deepest;

		Frame(Task task) {
			this.task = task;
		}

		void reached(int links) {
			this.deepest = Math.max(this.deepest, links);
		}

	}

	static String describeCycle(List<TaskId> path) {
		if (path.size() == 2) {
			return "depends on itself";
		}
		return "depends on itself through "
				+ path.stream().skip(1).map(TaskId::text).collect(Collectors.joining(" → "));
	}

}
