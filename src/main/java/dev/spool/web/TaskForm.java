package dev.spool.web;

import java.util.Arrays;
import java.util.List;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;

/** The submit form's fields, as a person typed them. */
record TaskForm(String prompt, String title, String agent, String priority, String dependsOn, String retryOf,
		String role) {

	static TaskForm empty() {
		return new TaskForm("", "", "", "0", "", "", "");
	}

	/** The form filled with a task's prompt and settings, to fix and run again as a new task. */
	static TaskForm reworking(Task task, String prompt) {
		String dependencies = String.join(", ", task.dependsOn().stream().map(TaskId::text).toList());
		return new TaskForm(prompt, (task.title() != null) ? task.title() : "",
				(task.document().agent() != null) ? task.document().agent() : "",
				String.valueOf(task.document().priority()), dependencies, task.id().text(),
				(task.document().role() != null) ? task.document().role() : "");
	}

	NewTask toNewTask() {
		int priorityValue;
		try {
			priorityValue = (this.priority == null || this.priority.isBlank()) ? 0 : Integer.parseInt(this.priority.strip());
		}
		catch (NumberFormatException ex) {
			throw new InvalidTaskException("priority must be a whole number");
		}
		List<TaskId> dependencies = (this.dependsOn == null || this.dependsOn.isBlank()) ? List.of()
				: Arrays.stream(this.dependsOn.split("[,\\s]+")).filter((id) -> !id.isBlank()).map(TaskIds::parse).toList();
		TaskId rework = (this.retryOf == null || this.retryOf.isBlank()) ? null : TaskIds.parse(this.retryOf.strip());
		String routed = (this.agent == null || this.agent.isBlank()) ? null : this.agent.strip();
		String wanted = (this.role == null || this.role.isBlank()) ? null : this.role.strip();
		return new NewTask(this.prompt, this.title, routed, wanted, null, priorityValue, dependencies, rework, null,
				null);
	}

}
