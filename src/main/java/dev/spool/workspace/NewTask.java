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
 * @param maxAttempts its own limit on attempts ({@code max_attempts}), or null for the configured one
 * @param budgetTokens the most tokens its attempts together may use ({@code budget_tokens}), or null for no limit
 * @param review whether a person approves or rejects its answer before it is done ({@code review: true})
 */
public record NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
		List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal, TaskId parent,
		Integer maxAttempts, Long budgetTokens, boolean review) {

	public NewTask {
		dependsOn = (dependsOn != null) ? List.copyOf(dependsOn) : List.of();
		kind = (kind != null) ? kind : TaskDocument.Kind.TASK;
		if (maxAttempts != null && maxAttempts < 1) {
			throw new InvalidTaskException("max_attempts " + maxAttempts + " is less than 1");
		}
		if (budgetTokens != null && budgetTokens < 1) {
			throw new InvalidTaskException("budget_tokens " + budgetTokens + " is less than 1");
		}
	}

	/** A task whose answer needs no review. */
	public NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
			List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal, TaskId parent,
			Integer maxAttempts, Long budgetTokens) {
		this(prompt, title, agent, role, kind, priority, dependsOn, retryOf, pipeline, goal, parent, maxAttempts,
				budgetTokens, false);
	}

	/** The same request, its answer reviewed by a person or not. */
	public NewTask withReview(boolean newReview) {
		return new NewTask(this.prompt, this.title, this.agent, this.role, this.kind, this.priority, this.dependsOn,
				this.retryOf, this.pipeline, this.goal, this.parent, this.maxAttempts, this.budgetTokens, newReview);
	}

	/** A task with the configured limit on attempts and no token budget of its own. */
	public NewTask(String prompt, String title, String agent, String role, TaskDocument.Kind kind, int priority,
			List<TaskId> dependsOn, TaskId retryOf, PipelineStage pipeline, GoalStep goal, TaskId parent) {
		this(prompt, title, agent, role, kind, priority, dependsOn, retryOf, pipeline, goal, parent, null, null);
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
				this.retryOf, this.pipeline, this.goal, newParent, this.maxAttempts, this.budgetTokens, this.review);
	}

	/**
	 * The same request as the rework of {@code original} ("Retry with changes"): it records what it reworks, and keeps
	 * what a person fixing the prompt is not shown, unless the request says otherwise: the original's parent, so that
	 * a subtask reworked is still its parent's subtask (and counts against its limit), its {@code max_attempts} and its
	 * {@code budget_tokens}, and its review. Its place in a pipeline or a goal's plan is not kept: those belong to the original.
	 */
	public NewTask reworking(Task original) {
		TaskDocument before = original.document();
		return new NewTask(this.prompt, this.title, this.agent, this.role, this.kind, this.priority, this.dependsOn,
				original.id(), this.pipeline, this.goal, (this.parent != null) ? this.parent : before.parent(),
				(this.maxAttempts != null) ? this.maxAttempts : before.maxAttempts(),
				(this.budgetTokens != null) ? this.budgetTokens : before.budgetTokens(), this.review || before.review());
	}

}
