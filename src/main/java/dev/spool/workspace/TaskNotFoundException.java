package dev.spool.workspace;

/** No task has this id. */
public class TaskNotFoundException extends RuntimeException {

	public TaskNotFoundException(TaskId id) {
		super("no task " + id);
	}

}
