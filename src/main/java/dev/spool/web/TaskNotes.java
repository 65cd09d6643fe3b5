package dev.spool.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.spool.tools.TaskJson;
import dev.spool.agent.Routing;
import dev.spool.agent.Waits;
import dev.spool.budget.Budgets;
import dev.spool.pipeline.StageRoutes;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Dependencies;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/**
 * What the board and the API say about a task beyond its own files: what it waits for, a dependency problem such as
 * a cycle, and a warning when it is routed to an agent nobody has seen or is a fifo stage only an outside agent may
 * read.
 */
@Component
class TaskNotes {

	private final TaskIndex index;

	private final Routing routing;

	private final Budgets budgets;

	private final Waits waits;

	TaskNotes(TaskIndex index, Routing routing, Budgets budgets, Waits waits) {
		this.index = index;
		this.routing = routing;
		this.budgets = budgets;
		this.waits = waits;
	}

	/** The notes as the files are now; take one per page or response, as it lists the agents seen once. */
	Snapshot snapshot() {
		return new Snapshot(this.index, this.index.dependencies(), this.routing, this.budgets, this.waits);
	}

	/** Notes on tasks, against one view of the agents seen. */
	static final class Snapshot implements TaskJson.Notes {

		/** The longest chain of blocked dependants followed. */
		private static final int MAX_CHAIN = 100;

		private final TaskIndex index;

		private final Dependencies dependencies;

		private final Routing routing;

		private final Set<String> seen;

		private final Budgets budgets;

		private final Waits waits;

		Snapshot(TaskIndex index, Dependencies dependencies, Routing routing, Budgets budgets, Waits waits) {
			this.index = index;
			this.dependencies = dependencies;
			this.routing = routing;
			this.seen = routing.seenAgents();
			this.budgets = budgets;
			this.waits = waits;
		}

		/** Why a pending task waits for a budget, such as "budget: agent_a spent 10,000 of 10,000 tokens today"; or null. */
		@Override
		public TaskQueries queries() {
			return this.index.queries();
		}

		@Override
		public String waitingForBudget(Task task) {
			return this.budgets.waiting(task).orElse(null);
		}

		@Override
		public Budgets budgets() {
			return this.budgets;
		}

		/**
		 * The dependencies a pending task still waits for, or the tasks a waiting task's conversation waits for that
		 * have not ended; empty for any other task.
		 */
		@Override
		public List<TaskId> waitingFor(Task task) {
			return switch (task.state()) {
				case PENDING -> this.dependencies.waitingFor(task);
				case WAITING -> this.waits.unfinished(task, this.index);
				default -> List.of();
			};
		}

		/** Why agents leave the task alone: its own file's problem, or a dependency cycle; or null. */
		@Override
		public String problem(Task task) {
			return (task.problem() != null) ? task.problem()
					: (task.state() == TaskState.PENDING) ? this.dependencies.problem(task).orElse(null) : null;
		}

		/**
		 * A warning about where the task is routed, or null: to an agent nobody has seen, or a fifo stage that only
		 * an outside agent may read.
		 */
		@Override
		public String warning(Task task) {
			return StageRoutes.outsideReader(task, this.routing, this.index)
				.or(() -> Routing.unseenAgent(task, this.seen))
				.orElse(null);
		}

		/** The one line a board row shows: the error, the problem, the warning, or what it waits for. */
		String reason(Task task) {
			String budget = waitingForBudget(task);
			if (budget != null) {
				return budget;
			}
			if (task.error() != null) {
				return task.error();
			}
			String problem = problem(task);
			if (problem != null) {
				return problem;
			}
			String warning = warning(task);
			if (warning != null) {
				return warning;
			}
			List<TaskId> waiting = waitingFor(task);
			return waiting.isEmpty() ? null
					: "waits for " + waiting.stream().map(TaskId::text).collect(Collectors.joining(", "));
		}

		/** Tasks that depend on this one, directly or not, and failed with it; a retry of it does not revive them. */
		List<Task> failedWith(Task task) {
			// Walks the dependants up from the task, through blocked ones only, as far as a chain of 100.
			TaskQueries queries = this.index.queries();
			Set<TaskId> reached = new HashSet<>();
			List<Task> level = queries.dependants(task.id());
			List<Task> found = new ArrayList<>();
			for (int depth = 0; depth <= MAX_CHAIN && !level.isEmpty(); depth++) {
				List<Task> next = new ArrayList<>();
				for (Task other : level) {
					if (!reached.add(other.id()) || !blocked(other)) {
						continue;
					}
					if (other.state() == TaskState.FAILED) {
						found.add(other);
					}
					next.addAll(queries.dependants(other.id()));
				}
				level = next;
			}
			found.sort(Comparator.comparing(Task::id));
			return found;
		}

		private static boolean blocked(Task task) {
			List<Attempt> history = task.history();
			return !history.isEmpty() && history.get(history.size() - 1).outcome() == Attempt.Outcome.BLOCKED;
		}

	}

}
