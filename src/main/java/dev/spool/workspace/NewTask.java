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
 * @param parent the task that submits this one as its subtask, or null
 */
public record NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
		List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal, TaskId parent) {

	public NewTask {
		dependsOn = (dependsOn != null) ? List.copyOf(dependsOn) : List.of();
		kind = (kind != null) ? kind : TaskDocument.Kind.TASK;
	}

	/** A task that is no other task's subtask. */
	public NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
			List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal) {
		this(prompt, title, agent, role, kind, priority, dependsOn, retryOf, pipeline, goal, null);
	}

	/** A task with no role, in no pipeline and no goal. */
	public NewTask(String prompt, String title, String agent, int priority, List<TaskId> dependsOn, TaskId retryOf) {
		this(prompt, title, agent, null, null, priority, dependsOn, retryOf, null, null);
	}

	public static NewTask of(String prompt) {
		return new NewTask(prompt, null, null, 0, List.of(), null);
	}

	/**
	 * A goal: a task for the orchestrator ({@code kind: goal}), which no other agent takes. The API, the dashboard's
	 * form, the MCP server and agents all make goals here.
	 * @throws InvalidTaskException if the goal is missing or empty
	 */
	public static NewTask goal(String goal, String title, int priority, TaskId parent) {
		if (goal == null || goal.isBlank()) {
			throw new InvalidTaskException("the goal is missing or empty");
		}
		return new NewTask(goal, title, null, null, TaskDocument.Kind.GOAL, priority, List.of(), null, null, null,
				parent);
	}

	/** The same request as the subtask of another task. */
	public NewTask withParent(TaskId newParent) {
		return new NewTask(this.prompt, this.title, this.agent, this.role, this.kind, this.priority, this.dependsOn,
				this.retryOf, this.pipeline, this.goal, newParent);
	}

}
