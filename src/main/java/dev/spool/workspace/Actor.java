package dev.spool.workspace;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.spool.workspace.TaskState.CANCELLED;
import static dev.spool.workspace.TaskState.DONE;
import static dev.spool.workspace.TaskState.FAILED;
import static dev.spool.workspace.TaskState.IN_PROGRESS;
import static dev.spool.workspace.TaskState.PENDING;
import static dev.spool.workspace.TaskState.REVIEW;
import static dev.spool.workspace.TaskState.WAITING;

/**
 * Who moves a task, and the one table of which transitions each may make: every verb that renames a task file asks
 * it through {@link TaskFiles}, and {@link TaskState#canTransitionTo} is what any of them may do.
 */
public enum Actor {

	/**
	 * An agent of this process: claims, completes (to done, or to review when a person decides), fails, hands back,
	 * puts a task aside to wait for others and takes it again.
	 */
	AGENT(Map.of(PENDING, EnumSet.of(IN_PROGRESS), IN_PROGRESS, EnumSet.of(DONE, REVIEW, PENDING, FAILED, WAITING),
			WAITING, EnumSet.of(IN_PROGRESS))),

	/**
	 * A person, through the API, the pages or MCP: cancels, retries, takes a claim back, approves an answer in review
	 * (to done) or rejects it (to pending).
	 */
	PERSON(Map.of(PENDING, EnumSet.of(CANCELLED), IN_PROGRESS, EnumSet.of(CANCELLED, PENDING), WAITING,
			EnumSet.of(CANCELLED), REVIEW, EnumSet.of(DONE, PENDING, CANCELLED), FAILED, EnumSet.of(PENDING), CANCELLED,
			EnumSet.of(PENDING))),

	/** An outside agent whose failure note used up the task's attempts. */
	OUTSIDE_AGENT(Map.of(PENDING, EnumSet.of(FAILED), IN_PROGRESS, EnumSet.of(FAILED))),

	/** Spool's sweepers: stale claims taken back, tasks failed with their dependency. */
	RECOVERY(Map.of(PENDING, EnumSet.of(FAILED), IN_PROGRESS, EnumSet.of(PENDING, FAILED))),

	/** The archive, which moves finished tasks out of {@code tasks/} and changes no state. */
	ARCHIVE(Map.of());

	private final Map<TaskState, Set<TaskState>> transitions;

	Actor(Map<TaskState, Set<TaskState>> transitions) {
		this.transitions = transitions;
	}

	/** Whether this actor may move a task from one state to another. */
	public boolean may(TaskState from, TaskState to) {
		return this.transitions.getOrDefault(from, Set.of()).contains(to);
	}

	/** Whether this actor may move a task in this state out of {@code tasks/} into the archive. */
	public boolean mayArchive(TaskState from) {
		return this == ARCHIVE && from.isFinished();
	}

	/** Whether any actor may move a task from one state to another. */
	static boolean anyMay(TaskState from, TaskState to) {
		for (Actor actor : values()) {
			if (actor.may(from, to)) {
				return true;
			}
		}
		return false;
	}

}
