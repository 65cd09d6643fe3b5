package dev.spool.web;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.spool.tools.TaskIds;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;

/**
 * The submit form's fields, as a person typed them: a task, a goal (the prompt is the goal) or a pipeline (the prompt
 * holds the stages, see {@link PipelineText}).
 */
record TaskForm(String prompt, String title, String agent, String priority, String dependsOn, String retryOf,
		String role, String kind, String transport, String review) {

	static TaskForm empty() {
		return new TaskForm("", "", "", "0", "", "", "", Kind.TASK.word(), "files", null);
	}

	/**
	 * The form filled with a task's prompt and settings, to fix and run again as a new task; for a goal, the goal form
	 * with its goal, title and priority, to run as a new goal. What the form does not show (the parent, the limits)
	 * the new one keeps from the original when it is made (see {@link NewTask#reworking}).
	 */
	static TaskForm reworking(Task task, String prompt) {
		if (task.document().kind() == TaskDocument.Kind.GOAL) {
			return new TaskForm(prompt, (task.title() != null) ? task.title() : "", "",
					String.valueOf(task.document().priority()), "", task.id().text(), "", Kind.GOAL.word(), "files", null);
		}
		String dependencies = String.join(", ", task.dependsOn().stream().map(TaskId::text).toList());
		return new TaskForm(prompt, (task.title() != null) ? task.title() : "",
				(task.document().agent() != null) ? task.document().agent() : "",
				String.valueOf(task.document().priority()), dependencies, task.id().text(),
				(task.document().role() != null) ? task.document().role() : "", Kind.TASK.word(), "files",
				task.document().review() ? "true" : null);
	}

	/** What the form makes; a form without the choice (an older page, a script) makes a task. */
	Kind chosen() {
		if (this.kind == null || this.kind.isBlank()) {
			return Kind.TASK;
		}
		return Arrays.stream(Kind.values())
			.filter((candidate) -> candidate.word().equals(this.kind.strip()))
			.findFirst()
			.orElseThrow(() -> new InvalidTaskException("unknown kind '" + this.kind + "': task, goal or pipeline"));
	}

	/** The kind as the page's radio buttons name it, for a form sent back with an error. */
	public String kindWord() {
		try {
			return chosen().word();
		}
		catch (InvalidTaskException ex) {
			return Kind.TASK.word();
		}
	}

	public String transportWord() {
		return (this.transport == null || this.transport.isBlank()) ? "files" : this.transport.strip();
	}

	NewTask toNewTask() {
		int priorityValue = priorityValue();
		List<TaskId> dependencies = (this.dependsOn == null || this.dependsOn.isBlank()) ? List.of()
				: Arrays.stream(this.dependsOn.split("[,\\s]+")).filter((id) -> !id.isBlank()).map(TaskIds::parse).toList();
		return new NewTask(this.prompt, this.title, stripped(this.agent), stripped(this.role), null, priorityValue,
				dependencies, reworks().orElse(null), null, null).withReview(reviewed());
	}

	/** Whether the "A person reviews the answer" box is ticked. */
	public boolean reviewed() {
		return "true".equals(stripped(this.review)) || "on".equals(stripped(this.review));
	}

	/** The task this form reworks ("Retry with changes"), if it does. */
	Optional<TaskId> reworks() {
		return blank(this.retryOf) ? Optional.empty() : Optional.of(TaskIds.parse(this.retryOf.strip()));
	}

	int priorityValue() {
		try {
			return blank(this.priority) ? 0 : Integer.parseInt(this.priority.strip());
		}
		catch (NumberFormatException ex) {
			throw new InvalidTaskException("priority must be a whole number");
		}
	}

	/**
	 * Refuses the task-only fields for a goal or a pipeline, rather than dropping what a person chose: only a browser
	 * without JavaScript sends them, since the page disables the fields that do not apply.
	 */
	void requireOnlyWhatApplies() {
		Kind chosen = chosen();
		if (chosen == Kind.TASK) {
			return;
		}
		String what = (chosen == Kind.GOAL) ? "a goal, which goes to the orchestrator"
				: "a pipeline, whose stages each start with agent: or role: when they need one";
		if (!blank(this.agent) || !blank(this.role)) {
			throw new InvalidTaskException("leave Agent and Role empty for " + what);
		}
		if (!blank(this.dependsOn)) {
			throw new InvalidTaskException("leave Depends on empty for " + what);
		}
		if (chosen == Kind.PIPELINE && !blank(this.retryOf)) {
			throw new InvalidTaskException("reworking a task makes a task or a goal, not a pipeline");
		}
		if (chosen == Kind.PIPELINE && priorityValue() != 0) {
			throw new InvalidTaskException("a pipeline's stages have no priority: leave Priority at 0");
		}
	}

	private static boolean blank(String text) {
		return text == null || text.isBlank();
	}

	private static String stripped(String text) {
		return blank(text) ? null : text.strip();
	}

	/** What the form makes. */
	enum Kind {

		TASK, GOAL, PIPELINE;

		String word() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
