package dev.spool.workspace;

import java.util.List;

/**
 * Builds the {@link NewTask} a test creates, naming only what the test cares about:
 * {@code aTask("Write a haiku").titled("Haiku").forAgent("agent_b").priority(3).build()}.
 */
public final class TaskBuilder {

	/** An agent no workspace defines: a task for it waits until a person acts. */
	public static final String NOBODY = "nobody";

	private final String prompt;

	private String title;

	private String agent;

	private String role;

	private TaskDocument.Kind kind;

	private int priority;

	private List<TaskId> dependsOn = List.of();

	private TaskId retryOf;

	private PipelineStage pipeline;

	private GoalStep goal;

	private boolean review;

	private TaskBuilder(String prompt) {
		this.prompt = prompt;
	}

	/** A task with this prompt, for any agent, at priority 0, depending on nothing. */
	public static TaskBuilder aTask(String prompt) {
		return new TaskBuilder(prompt);
	}

	/** A goal: the orchestrator plans it into steps. */
	public static TaskBuilder aGoal(String prompt) {
		return new TaskBuilder(prompt).kind(TaskDocument.Kind.GOAL);
	}

	public TaskBuilder titled(String title) {
		this.title = title;
		return this;
	}

	/** Only this agent may take it. */
	public TaskBuilder forAgent(String agent) {
		this.agent = agent;
		return this;
	}

	/** Held: meant for an agent that does not exist, so it stays pending until a person acts. */
	public TaskBuilder held() {
		return forAgent(NOBODY);
	}

	/** Only an agent that lists this role may take it. */
	public TaskBuilder forRole(String role) {
		this.role = role;
		return this;
	}

	public TaskBuilder kind(TaskDocument.Kind kind) {
		this.kind = kind;
		return this;
	}

	public TaskBuilder priority(int priority) {
		this.priority = priority;
		return this;
	}

	/** It waits until these tasks are done. */
	public TaskBuilder after(TaskId... dependsOn) {
		return after(List.of(dependsOn));
	}

	/** It waits until these tasks are done. */
	public TaskBuilder after(List<TaskId> dependsOn) {
		this.dependsOn = dependsOn;
		return this;
	}

	public TaskBuilder retryOf(TaskId retryOf) {
		this.retryOf = retryOf;
		return this;
	}

	public TaskBuilder inPipeline(PipelineStage pipeline) {
		this.pipeline = pipeline;
		return this;
	}

	public TaskBuilder fromGoal(GoalStep goal) {
		this.goal = goal;
		return this;
	}

	/** A task whose answer a person approves or rejects ({@code review: true}). */
	public TaskBuilder reviewed() {
		this.review = true;
		return this;
	}

	public NewTask build() {
		return new NewTask(this.prompt, this.title, this.agent, this.role, this.kind, this.priority, this.dependsOn,
				this.retryOf, this.pipeline, this.goal).withReview(this.review);
	}

}
