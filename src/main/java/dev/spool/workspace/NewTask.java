package dev.spool.workspace;

import java.util.List;

/**
 * What a caller asks for when creating a task.
 *
 * @param prompt the prompt, required
 * @param title an optional title
 * @param agent the only agent that may take it, or null for any
 * @param role the role an agent must list to take it, or null for any
 * @param kind an answer or a goal's plan; null means an answer
 * @param priority higher runs first
 * @param dependsOn tasks that must be done first
 * @param retryOf the task this one reworks, or null
 * @param pipeline its place in a pipeline, or null
 * @param goal the goal whose plan it comes from, or null
 */
public record NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
		List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal) {

	public NewTask {
		dependsOn = (dependsOn != null) ? List.copyOf(dependsOn) : List.of();
		kind = (kind != null) ? kind : TaskDocument.Kind.TASK;
	}

	/** A task with no role, in no pipeline and no goal. */
	public NewTask(String prompt, String title, String agent, int priority, List<TaskId> dependsOn, TaskId retryOf) {
		this(prompt, title, agent, null, null, priority, dependsOn, retryOf, null, null);
	}

	public static NewTask of(String prompt) {
		return new NewTask(prompt, null, null, 0, List.of(), null);
	}

}
