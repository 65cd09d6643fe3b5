package dev.spool.workspace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.spool.Generators;
import dev.spool.PropertyCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query indexes answer as a scan of every task would, after any sequence of changes: tasks appearing, changing
 * state, owner, dependencies, pipeline, goal step and history, and vanishing.
 */
class TaskQueriesTests {

	private static final Instant BASE = Instant.parse("2026-11-28T10:00:00Z");

	private static final List<String> AGENTS = List.of("agent_a", "agent_b", "agent_c");

	private static final int IDS = 12;

	@Test
	void indexesAgreeWithAScanAfterEveryChange() {
		PropertyCheck.forAll("indexesAgreeWithAScanAfterEveryChange", TaskQueriesTests::changes)
			.describedBy((changes) -> changes.stream().map(Change::toString).collect(Collectors.joining("\n")))
			.shrinkingWith((changes) -> changes.isEmpty() ? java.util.stream.Stream.empty()
					: java.util.stream.Stream.of(changes.subList(0, changes.size() - 1),
							changes.subList(1, changes.size())))
			.check((changes) -> {
				TaskQueries queries = new TaskQueries();
				Map<TaskId, Task> tasks = new HashMap<>();
				for (Change change : changes) {
					queries.replace(tasks.get(change.id()), change.after());
					if (change.after() == null) {
						tasks.remove(change.id());
					}
					else {
						tasks.put(change.id(), change.after());
					}
					assertAgrees(queries, tasks);
				}
			});
	}

	@Test
	void finishesAreOrderedByTimeIdPlaceAndStartAndEqualOnlyWhenAllAgree() {
		Comparator<TaskQueries.Finish> reference = Comparator.comparing(TaskQueries.Finish::at)
			.thenComparing(TaskQueries.Finish::id)
			.thenComparingInt(TaskQueries.Finish::index)
			.thenComparing(TaskQueries.Finish::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()));
		Random random = new Random(7);
		List<TaskQueries.Finish> finishes = new ArrayList<>();
		for (int i = 0; i < 400; i++) {
			Instant at = BASE.plusSeconds(random.nextInt(3));
			TaskId id = (random.nextInt(4) == 0) ? TaskId.parse("task_" + random.nextInt(3)).orElseThrow()
					: TaskId.of(random.nextInt(3));
			Instant startedAt = (random.nextInt(3) == 0) ? null : BASE.minusSeconds(random.nextInt(2));
			finishes.add(new TaskQueries.Finish(at, id, random.nextInt(2), startedAt));
		}
		finishes.add(TaskQueries.Finish.first(BASE.plusSeconds(1)));
		for (TaskQueries.Finish a : finishes) {
			for (TaskQueries.Finish b : finishes) {
				int order = a.compareTo(b);
				assertThat(Integer.signum(order)).as("%s against %s", a, b)
					.isEqualTo(Integer.signum(reference.compare(a, b)));
				assertThat(a.equals(b)).as("%s equals %s", a, b).isEqualTo(order == 0);
				if (order == 0) {
					assertThat(a.hashCode()).isEqualTo(b.hashCode());
				}
			}
		}
	}

	private static void assertAgrees(TaskQueries queries, Map<TaskId, Task> tasks) {
		List<Task> newestFirst = tasks.values().stream().sorted(Comparator.comparing(Task::id).reversed()).toList();
		assertThat(queries.total()).isEqualTo(tasks.size());
		assertThat(List.copyOf(queries.newestFirst(null))).isEqualTo(newestFirst);
		for (TaskState state : TaskState.values()) {
			List<Task> inState = newestFirst.stream().filter((task) -> task.state() == state).toList();
			assertThat(queries.count(state)).as("count of %s", state).isEqualTo(inState.size());
			assertThat(List.copyOf(queries.newestFirst(state))).as("%s newest first", state).isEqualTo(inState);
			assertThat(queries.page(state, 1, 2)).isEqualTo(inState.stream().skip(1).limit(2).toList());
		}
		assertThat(List.copyOf(queries.flaggableNewestFirst())).isEqualTo(newestFirst.stream()
			.filter((task) -> task.problem() != null
					|| (task.state() == TaskState.PENDING && !task.dependsOn().isEmpty()))
			.toList());
		for (int minute = 0; minute < 6; minute++) {
			Instant from = BASE.plusSeconds(60L * minute);
			Instant to = from.plusSeconds(90);
			assertThat(finishes(queries.finishedBetween(from, to))).isEqualTo(scannedFinishes(tasks, from, to));
		}
		Set<String> seen = new TreeSet<>();
		Set<String> owners = new TreeSet<>();
		for (Task task : tasks.values()) {
			if (task.owner() != null) {
				seen.add(task.owner());
				owners.add(task.owner());
			}
			task.history().stream().map(Attempt::agent).filter((agent) -> agent != null).forEach(seen::add);
		}
		assertThat(new TreeSet<>(queries.agentsSeen())).isEqualTo(seen);
		assertThat(new TreeSet<>(queries.owners())).isEqualTo(owners);
		for (String agent : AGENTS) {
			for (TaskState state : TaskState.values()) {
				assertThat(queries.ownedBy(agent, state)).isEqualTo(
						(int) tasks.values().stream().filter((t) -> agent.equals(t.owner()) && t.state() == state).count());
			}
		}
		List<Task> byId = tasks.values().stream().sorted(Comparator.comparing(Task::id)).toList();
		for (long n = 1; n <= IDS; n++) {
			TaskId id = TaskId.of(n);
			assertThat(queries.dependants(id)).as("dependants of %s", id)
				.isEqualTo(byId.stream().filter((task) -> task.dependsOn().contains(id)).toList());
			assertThat(queries.children(id)).as("children of %s", id)
				.isEqualTo(byId.stream().filter((task) -> id.equals(task.document().parent())).toList());
			for (String step : List.of("1", "2", GoalStep.FINAL)) {
				assertThat(queries.goalStep(id, step)).isEqualTo(byId.stream()
					.filter((task) -> task.document().goal() != null && task.document().goal().goal().equals(id)
							&& task.document().goal().step().equals(step))
					.findFirst());
			}
		}
		Set<String> pipelines = new HashSet<>();
		for (String pipeline : List.of("pipeline_001", "pipeline_002")) {
			List<Task> stages = byId.stream()
				.filter((task) -> task.document().pipeline() != null
						&& task.document().pipeline().pipeline().equals(pipeline))
				.toList();
			assertThat(queries.pipeline(pipeline)).isEqualTo(stages);
			if (!stages.isEmpty()) {
				pipelines.add(pipeline);
			}
		}
		assertThat(queries.pipelines()).containsExactlyInAnyOrderElementsOf(pipelines);
	}

	private static List<String> finishes(Set<TaskQueries.Finish> finishes) {
		return finishes.stream().map((finish) -> finish.id() + "#" + finish.index() + "@" + finish.at() + "<"
				+ finish.startedAt()).toList();
	}

	private static List<String> scannedFinishes(Map<TaskId, Task> tasks, Instant from, Instant to) {
		List<TaskQueries.Finish> found = new ArrayList<>();
		for (Task task : tasks.values()) {
			for (int i = 0; i < task.history().size(); i++) {
				Attempt attempt = task.history().get(i);
				if (attempt.outcome() == Attempt.Outcome.DONE && attempt.finishedAt() != null
						&& !attempt.finishedAt().isBefore(from) && attempt.finishedAt().isBefore(to)) {
					found.add(new TaskQueries.Finish(attempt.finishedAt(), task.id(), i, attempt.startedAt()));
				}
			}
		}
		found.sort(Comparator.naturalOrder());
		return finishes(new java.util.LinkedHashSet<>(found));
	}

	private static List<Change> changes(Random random) {
		List<Change> changes = new ArrayList<>();
		int count = Generators.size(random, 0, 40);
		for (int i = 0; i < count; i++) {
			TaskId id = TaskId.of(1 + random.nextInt(IDS));
			changes.add(new Change(id, (random.nextInt(5) == 0) ? null : task(random, id)));
		}
		return changes;
	}

	private static Task task(Random random, TaskId id) {
		TaskState state = TaskState.values()[random.nextInt(TaskState.values().length)];
		String owner = (random.nextBoolean()) ? null : AGENTS.get(random.nextInt(AGENTS.size()));
		TaskFile file = new TaskFile(id, state, state.hasOwner() ? "agent_a" : null);
		List<TaskId> dependsOn = new ArrayList<>();
		for (int i = Generators.size(random, 0, 3); i > 0; i--) {
			dependsOn.add(TaskId.of(1 + random.nextInt(IDS)));
		}
		PipelineStage pipeline = (random.nextInt(3) == 0) ? new PipelineStage("pipeline_00" + (1 + random.nextInt(2)),
				1 + random.nextInt(3), PipelineStage.Transport.FILES) : null;
		GoalStep goal = (random.nextInt(3) == 0) ? new GoalStep(TaskId.of(1 + random.nextInt(IDS)),
				List.of("1", "2", GoalStep.FINAL).get(random.nextInt(3))) : null;
		TaskId parent = (random.nextInt(3) == 0) ? TaskId.of(1 + random.nextInt(IDS)) : null;
		TaskDocument document = new TaskDocument(null, null, null, TaskDocument.Kind.TASK, 0,
				dependsOn.stream().distinct().toList(), null, null, null, pipeline, goal, null, parent, "prompt", null);
		List<Attempt> history = new ArrayList<>();
		for (int i = Generators.size(random, 0, 3); i > 0; i--) {
			Instant finished = BASE.plusSeconds(random.nextInt(400));
			Instant started = random.nextBoolean() ? finished.minusMillis(random.nextInt(5000)) : null;
			Attempt.Outcome outcome = Attempt.Outcome.values()[random.nextInt(Attempt.Outcome.values().length)];
			String agent = random.nextBoolean() ? AGENTS.get(random.nextInt(AGENTS.size())) : null;
			history.add(new Attempt(history.size() + 1, outcome, agent, started, random.nextInt(8) == 0 ? null : finished,
					null, null, null, null));
		}
		String problem = (random.nextInt(6) == 0) ? "the task file is broken" : null;
		return new Task(id, file, owner, document, BASE, null, false, history, problem, 10, BASE, Instant.MIN);
	}

	/** A task appearing or changing (after set), or vanishing (after null). */
	record Change(TaskId id, Task after) {

		@Override
		public String toString() {
			return (this.after == null) ? this.id + " vanishes"
					: this.id + " " + this.after.state() + " owner " + this.after.owner() + " dependsOn "
							+ this.after.dependsOn() + " " + this.after.document().pipeline() + " "
							+ this.after.document().goal() + " problem " + this.after.problem() + " history "
							+ this.after.history();
		}

	}

}
