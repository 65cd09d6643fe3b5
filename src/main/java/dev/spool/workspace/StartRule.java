package dev.spool.workspace;

import java.util.Optional;

/**
 * A feature's say in when a pending task may start. The index asks every rule it was opened with before it offers a
 * task to an agent, so that the core protocol knows no feature by name: pipelines hold a fifo stage until the stage
 * before it has started, goals keep their tasks for the orchestrator.
 */
public interface StartRule {

	/** Whether this agent may take this task at all, whatever the other tasks; every agent may unless a rule says. */
	default boolean takes(String agent, Task task) {
		return true;
	}

	/** Whether this task may start now as far as other tasks go; it may unless a rule says. */
	default boolean ready(Task task, TaskIndex index) {
		return true;
	}

	/**
	 * The task whose output this one reads while both run, which it cannot finish without: a failure there fails this
	 * task as a failed dependency would. Empty for a task that reads from no running task.
	 */
	default Optional<Task> streamsFrom(Task task, TaskIndex index) {
		return Optional.empty();
	}

}
