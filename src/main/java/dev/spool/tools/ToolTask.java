package dev.spool.tools;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskQueries;

/**
 * A task as a tool returns it: as the API shows it, with whether it ended and its answer once there.
 *
 * @param task the task as the API's list shows it
 * @param finished whether it ended, when the tool says; null otherwise
 * @param answer its answer, or the start of it with a note saying where it was cut; null when none is shown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolTask(@JsonUnwrapped TaskJson task, Boolean finished, String answer) {

	public static ToolTask of(Task task, TaskQueries queries) {
		return new ToolTask(TaskJson.summary(task, queries), null, null);
	}

	public static ToolTask withAnswer(Task task, TaskQueries queries, String answer) {
		return new ToolTask(TaskJson.summary(task, queries), task.hasEnded(), answer);
	}

}
