package dev.spool.workspace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The questions pages and agents ask of the tasks, answered from indexes that the {@link TaskIndex} keeps up to date
 * as each task changes, so that a page of results costs what the page holds rather than what the workspace holds.
 * Every index is derived from what is known of the tasks, which the files decide; readers never block.
 */
public final class TaskQueries {

	private final ConcurrentSkipListMap<TaskId, Task> byId = new ConcurrentSkipListMap<>();

	private final Map<TaskState, ConcurrentSkipListMap<TaskId, Task>> byState = new EnumMap<>(TaskState.class);

	private final Map<TaskState, AtomicInteger> counts = new EnumMap<>(TaskState.class);

	/** Tasks the board may flag: those with a problem of their own, and pending ones that could sit in a cycle. */
	private final ConcurrentSkipListMap<TaskId, Task> flaggable = new ConcurrentSkipListMap<>();

	private final ConcurrentSkipListSet<Finish> finishes = new ConcurrentSkipListSet<>();

	/** Attempts that failed (an error, or a claim taken back), as their records say: they outlive a restart. */
	private final ConcurrentSkipListSet<Finish> failures = new ConcurrentSkipListSet<>();

	private final Map<TaskId, Set<TaskId>> dependants = new ConcurrentHashMap<>();

	private final Map<String, NavigableSet<TaskId>> pipelines = new ConcurrentHashMap<>();

	private final Map<GoalStep, NavigableSet<TaskId>> goalSteps = new ConcurrentHashMap<>();

	/** The subtasks of each task that has some, by the {@code parent} they name. */
	private final Map<TaskId, NavigableSet<TaskId>> children = new ConcurrentHashMap<>();

	/** How many tasks each agent holds or last held, per state. */
	private final Map<String, AtomicIntegerArray> owners = new ConcurrentHashMap<>();

	/** How many tasks name each agent as owner or in a record, so that the agents seen cost nothing to list. */
	private final Map<String, AtomicInteger> agents = new ConcurrentHashMap<>();

	TaskQueries() {
		for (TaskState state : TaskState.values()) {
			this.byState.put(state, new ConcurrentSkipListMap<>());
			this.counts.put(state, new AtomicInteger());
		}
	}

	/**
	 * Takes in one change to what is known of a task. Callers serialize changes to one task (the index does so under
	 * its lock), so every index moves from one task's old version to its new one together.
	 * @param before what was known, or null for a task not known before
	 * @param after what is known now, or null for a task no longer known
	 */
	void replace(Task before, Task after) {
		// The new version goes in before the old one goes out: a reader on another thread (a goal's planner asking
		// whether a step has its task) must never find a known task missing while it changes.
		if (after != null) {
			add(after);
		}
		if (before != null) {
			remove(before, after);
		}
	}

	private void add(Task task) {
		TaskId id = task.id();
		this.byId.put(id, task);
		if (this.byState.get(task.state()).put(id, task) == null) {
			this.counts.get(task.state()).incrementAndGet();
		}
		if (isFlaggable(task)) {
			this.flaggable.put(id, task);
		}
		finishes(task).forEach(this.finishes::add);
		failures(task).forEach(this.failures::add);
		for (TaskId dependency : task.dependsOn()) {
			this.dependants.computeIfAbsent(dependency, (key) -> ConcurrentHashMap.newKeySet()).add(id);
		}
		PipelineStage stage = task.document().pipeline();
		if (stage != null) {
			this.pipelines.computeIfAbsent(stage.pipeline(), (key) -> new ConcurrentSkipListSet<>()).add(id);
		}
		GoalStep step = task.document().goal();
		if (step != null) {
			this.goalSteps.computeIfAbsent(step, (key) -> new ConcurrentSkipListSet<>()).add(id);
		}
		TaskId parent = task.document().parent();
		if (parent != null) {
			this.children.computeIfAbsent(parent, (key) -> new ConcurrentSkipListSet<>()).add(id);
		}
		agentsNamedBy(task).forEach((name) -> this.agents.computeIfAbsent(name, (key) -> new AtomicInteger())
			.incrementAndGet());
		if (task.owner() != null) {
			this.owners.computeIfAbsent(task.owner(), (key) -> new AtomicIntegerArray(TaskState.values().length))
				.incrementAndGet(task.state().ordinal());
		}
	}

	/** Takes out what the old version of a task put in and the new one, if any, does not have. */
	private void remove(Task task, Task replacement) {
		TaskId id = task.id();
		if (replacement == null) {
			this.byId.remove(id);
		}
		if ((replacement == null || replacement.state() != task.state())
				&& this.byState.get(task.state()).remove(id) != null) {
			this.counts.get(task.state()).decrementAndGet();
		}
		if (replacement == null || !isFlaggable(replacement)) {
			this.flaggable.remove(id);
		}
		List<Finish> kept = (replacement != null) ? finishes(replacement) : List.of();
		finishes(task).stream().filter((finish) -> !kept.contains(finish)).forEach(this.finishes::remove);
		List<Finish> stillFailed = (replacement != null) ? failures(replacement) : List.of();
		failures(task).stream().filter((failure) -> !stillFailed.contains(failure)).forEach(this.failures::remove);
		List<TaskId> stillDependsOn = (replacement != null) ? replacement.dependsOn() : List.of();
		for (TaskId dependency : task.dependsOn()) {
			if (!stillDependsOn.contains(dependency)) {
				removeFrom(this.dependants, dependency, id);
			}
		}
		PipelineStage stage = task.document().pipeline();
		if (stage != null && (replacement == null || replacement.document().pipeline() == null
				|| !replacement.document().pipeline().pipeline().equals(stage.pipeline()))) {
			removeFrom(this.pipelines, stage.pipeline(), id);
		}
		GoalStep step = task.document().goal();
		if (step != null && (replacement == null || !step.equals(replacement.document().goal()))) {
			removeFrom(this.goalSteps, step, id);
		}
		TaskId parent = task.document().parent();
		if (parent != null && (replacement == null || !parent.equals(replacement.document().parent()))) {
			removeFrom(this.children, parent, id);
		}
		for (String name : agentsNamedBy(task)) {
			this.agents.computeIfPresent(name, (key, count) -> (count.decrementAndGet() > 0) ? count : null);
		}
		if (task.owner() != null) {
			this.owners.computeIfPresent(task.owner(), (key, counts) -> {
				counts.decrementAndGet(task.state().ordinal());
				for (int i = 0; i < counts.length(); i++) {
					if (counts.get(i) > 0) {
						return counts;
					}
				}
				return null;
			});
		}
	}

	private static <K> void removeFrom(Map<K, ? extends Set<TaskId>> index, K key, TaskId id) {
		index.computeIfPresent(key, (found, ids) -> {
			ids.remove(id);
			return ids.isEmpty() ? null : ids;
		});
	}

	private static boolean isFlaggable(Task task) {
		return task.problem() != null || (task.state() == TaskState.PENDING && !task.dependsOn().isEmpty());
	}

	private static List<Finish> finishes(Task task) {
		return ends(task, Set.of(Attempt.Outcome.DONE));
	}

	private static List<Finish> failures(Task task) {
		return ends(task, Set.of(Attempt.Outcome.ERROR, Attempt.Outcome.STALE));
	}

	private static List<Finish> ends(Task task, Set<Attempt.Outcome> outcomes) {
		List<Finish> found = new ArrayList<>();
		List<Attempt> history = task.history();
		for (int i = 0; i < history.size(); i++) {
			Attempt attempt = history.get(i);
			if (outcomes.contains(attempt.outcome()) && attempt.finishedAt() != null) {
				found.add(new Finish(attempt.finishedAt(), task.id(), i, attempt.startedAt()));
			}
		}
		return found;
	}

	private static Set<String> agentsNamedBy(Task task) {
		Set<String> names = new HashSet<>();
		if (task.owner() != null) {
			names.add(task.owner());
		}
		for (Attempt attempt : task.history()) {
			if (attempt.agent() != null) {
				names.add(attempt.agent());
			}
		}
		return names;
	}

	/** How many tasks there are. */
	public int total() {
		return this.byId.size();
	}

	/** How many tasks are in a state. */
	public int count(TaskState state) {
		return Math.max(0, this.counts.get(state).get());
	}

	/** Tasks in a state, or all of them for null, newest (highest id) first; a live view, walked lazily. */
	public Collection<Task> newestFirst(TaskState state) {
		NavigableMap<TaskId, Task> tasks = (state != null) ? this.byState.get(state) : this.byId;
		return Collections.unmodifiableCollection(tasks.descendingMap().values());
	}

	/** How many tasks {@link #newestFirst(TaskState)} holds. */
	public int size(TaskState state) {
		return (state != null) ? count(state) : total();
	}

	/** One page of the tasks in a state (all for null), newest first. */
	public List<Task> page(TaskState state, long offset, int limit) {
		return newestFirst(state).stream().skip(offset).limit(limit).toList();
	}

	/**
	 * Tasks that may be flagged, newest first: those with a problem of their own, and pending tasks with
	 * dependencies, which may sit in a cycle. Every task with a problem is among them.
	 */
	public Collection<Task> flaggableNewestFirst() {
		return Collections.unmodifiableCollection(this.flaggable.descendingMap().values());
	}

	/** Attempts that ended with a published answer in {@code [from, to)}, in the order they finished. */
	public NavigableSet<Finish> finishedBetween(Instant from, Instant to) {
		return this.finishes.subSet(Finish.first(from), true, Finish.first(to), false);
	}

	/**
	 * Attempts that failed (an error, or a claim taken back) in {@code [from, to)}, in the order they ended, from the
	 * records as finishes are: each as a {@link Finish} whose time is when it failed.
	 */
	public NavigableSet<Finish> failedBetween(Instant from, Instant to) {
		return this.failures.subSet(Finish.first(from), true, Finish.first(to), false);
	}

	/** The tasks that list this one in {@code depends_on}, by id. */
	public List<Task> dependants(TaskId id) {
		return tasks(this.dependants.getOrDefault(id, Set.of()));
	}

	/** The subtasks of a task: those that name it as their {@code parent}, by id. */
	public List<Task> children(TaskId id) {
		return tasks(this.children.getOrDefault(id, Collections.emptyNavigableSet()));
	}

	/** The tasks of a pipeline, by id. */
	public List<Task> pipeline(String pipeline) {
		return tasks(this.pipelines.getOrDefault(pipeline, Collections.emptyNavigableSet()));
	}

	/** The ids of every pipeline some task names. */
	public Set<String> pipelines() {
		return Collections.unmodifiableSet(this.pipelines.keySet());
	}

	/** The task made for a step of a goal's plan, the lowest id should there be two. */
	public Optional<Task> goalStep(TaskId goal, String step) {
		if (goal == null || GoalStep.parseStep(step).isEmpty()) {
			return Optional.empty();
		}
		NavigableSet<TaskId> ids = this.goalSteps.get(new GoalStep(goal, step));
		if (ids != null) {
			for (TaskId id : ids) {
				Task task = this.byId.get(id);
				if (task != null) {
					return Optional.of(task);
				}
			}
		}
		return Optional.empty();
	}

	/** Agents that hold or last held some task. */
	public Set<String> owners() {
		return Collections.unmodifiableSet(this.owners.keySet());
	}

	/** How many tasks in a state an agent holds or last held. */
	public int ownedBy(String agent, TaskState state) {
		AtomicIntegerArray counts = this.owners.get(agent);
		return (counts != null) ? Math.max(0, counts.get(state.ordinal())) : 0;
	}

	/** Agents named as a task's owner or in an attempt record. */
	public Set<String> agentsSeen() {
		return Collections.unmodifiableSet(this.agents.keySet());
	}

	private List<Task> tasks(Collection<TaskId> ids) {
		List<Task> found = new ArrayList<>();
		for (TaskId id : ids) {
			Task task = this.byId.get(id);
			if (task != null) {
				found.add(task);
			}
		}
		found.sort(Comparator.comparing(Task::id));
		return found;
	}

	/**
	 * An attempt that ended with a published answer.
	 *
	 * @param at when it finished
	 * @param id the task
	 * @param index its place in the task's history
	 * @param startedAt when it started, or null when that is not recorded
	 */
	public record Finish(Instant at, TaskId id, int index, Instant startedAt) implements Comparable<Finish> {

		private static final TaskId LOWEST = new TaskId("", Long.MIN_VALUE);

		static Finish first(Instant at) {
			return new Finish(at, LOWEST, Integer.MIN_VALUE, null);
		}

		// Every field, so that the order agrees with equals: two versions of a task whose finish differs only in its
		// start are two entries, and taking the old one out leaves the new one. Written out, as are equals and
		// hashCode: a chain of comparators and the record's own method handles are calls that C1 does not inline,
		// and every finish goes into a sorted set (at 100,000 tasks, a quarter of the indexes' work as they are read).
		@Override
		public int compareTo(Finish other) {
			int order = this.at.compareTo(other.at);
			if (order == 0) {
				order = this.id.compareTo(other.id);
			}
			if (order == 0) {
				order = Integer.compare(this.index, other.index);
			}
			if (order == 0 && this.startedAt != other.startedAt) {
				order = (this.startedAt == null) ? -1
						: (other.startedAt == null) ? 1 : this.startedAt.compareTo(other.startedAt);
			}
			return order;
		}

		@Override
		public boolean equals(Object other) {
			return this == other || (other instanceof Finish finish && this.index == finish.index
					&& Objects.equals(this.at, finish.at) && Objects.equals(this.id, finish.id)
					&& Objects.equals(this.startedAt, finish.startedAt));
		}

		@Override
		public int hashCode() {
			return (31 * Objects.hashCode(this.id) + Objects.hashCode(this.at)) * 31 + this.index;
		}

	}

}
