package dev.spool.goal;

import java.util.Optional;

import dev.spool.workspace.GoalStep;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;

/**
 * Who may take a goal and when: only the orchestrator takes goal tasks, and it takes no others. A goal whose final
 * task exists (so its subtasks were all created) is ready again only once that final task has finished.
 */
final class GoalRule implements StartRule {

	/** The name the orchestrator claims goal tasks under. */
	public static final String ORCHESTRATOR = "orchestrator";

	/** The one rule; it keeps nothing. */
	public static final GoalRule INSTANCE = new GoalRule();

	private GoalRule() {
	}

	/** Whether this agent takes this kind of task: the orchestrator goal tasks only, every other agent no goal task. */
	@Override
	public boolean takes(String agent, Task task) {
		return (task.document().kind() == TaskDocument.Kind.GOAL) == ORCHESTRATOR.equals(agent);
	}

	/** Whether a goal may be taken: once its plan's final task exists, only when that task has finished. */
	@Override
	public boolean ready(Task task, TaskIndex index) {
		return task.document().kind() != TaskDocument.Kind.GOAL
				|| finalTask(task.id(), index).map((last) -> last.state().isFinished()).orElse(true);
	}

	/** The goal's final task, once it was created. */
	public static Optional<Task> finalTask(TaskId goal, TaskIndex index) {
		return step(goal, GoalStep.FINAL, index);
	}

	/** The task made for one step of the goal's plan, if there is one; the lowest id should there be two. */
	public static Optional<Task> step(TaskId goal, String step, TaskIndex index) {
		return index.queries().goalStep(goal, step);
	}

}
