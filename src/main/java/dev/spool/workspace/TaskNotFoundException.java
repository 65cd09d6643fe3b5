package dev.spool.workspace;

/** No task has this id. */
public class TaskNotFoundException extends RuntimeException {

	private final transient TaskId id;

	public TaskNotFoundException(TaskId id) {
		super("no task " + id);
		this.id = id;
	}

	/** The id asked for. */
	public TaskId id() {
		return this.id;
	}

}
