package dev.spool.tools;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.TaskId;

/** Reads task ids from requests. */
public final class TaskIds {

	private TaskIds() {
	}

	public static TaskId parse(String text) {
		return TaskId.parse(text)
			.orElseThrow(() -> new InvalidTaskException("'" + text + "' is not a task id (task_ and a number)"));
	}

}
