package dev.spool.workspace;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What is known of one task, derived from its file, its history and its output; the manifest lists these.
 *
 * @param id the task's id
 * @param file its current file, whose name is its state
 * @param owner the agent that holds or last held it; null while it is pending (nobody holds it), or when unknown
 * @param document its front matter, with the prompt cut to a short {@link #summary()}
 * @param createdAt when it was created
 * @param completedAt when it reached its current finished state, or null
 * @param hasOutput whether {@code outputs/<id>_result.md} exists
 * @param history its attempt records
 * @param problem why agents leave it alone (unreadable front matter, two files with one id), or null
 * @param fileSize the size of the file when its document was read
 * @param fileModified the file's modification time when its document was read
 * @param readAt when its file was last seen to change, for the settling time of hand-written files; {@code
 * Instant.MIN} once it is known whole, {@code Instant.MAX} while it is being written (see {@link WholeFiles})
 */
public record Task(TaskId id, TaskFile file, String owner, TaskDocument document, Instant createdAt,
		Instant completedAt, boolean hasOutput, List<Attempt> history, String problem, long fileSize,
		Instant fileModified, Instant readAt) {

	public Task {
		history = List.copyOf(history);
		// A few agents own a hundred thousand tasks: one copy of each name, not one a task.
		owner = (owner != null) ? owner.intern() : null;
	}

	/**
	 * Whether anyone reading the workspace would see a difference: everything but the file's modification time and
	 * when it was read, which a heartbeat's touch changes and nobody displays.
	 */
	public boolean looksLike(Task other) {
		return other != null && this.id.equals(other.id) && this.file.equals(other.file)
				&& Objects.equals(this.owner, other.owner) && this.document.equals(other.document)
				&& Objects.equals(this.createdAt, other.createdAt) && Objects.equals(this.completedAt, other.completedAt)
				&& this.hasOutput == other.hasOutput && this.history.equals(other.history)
				&& Objects.equals(this.problem, other.problem) && this.fileSize == other.fileSize;
	}

	public TaskState state() {
		return this.file.state();
	}

	public String title() {
		return this.document.title();
	}

	public String summary() {
		return this.document.prompt();
	}

	/** Attempts made: recorded ones, plus the one under way or finished without a record (a shell agent's). */
	public int attempts() {
		int recorded = (int) this.history.stream().filter((entry) -> entry.outcome().isAttempt()).count();
		boolean unrecorded = state() == TaskState.IN_PROGRESS || (state() == TaskState.DONE && lastDone() == null);
		return recorded + (unrecorded ? 1 : 0);
	}

	/** Attempts counted against the budget: those since the last time a person retried the task. */
	public int attemptsSinceRetry() {
		return Attempt.attemptsSinceRetry(this.history);
	}

	/** The error that made the task fail, for failed tasks only. */
	public String error() {
		if (this.problem != null) {
			return this.problem;
		}
		if (state() != TaskState.FAILED) {
			return null;
		}
		for (int i = this.history.size() - 1; i >= 0; i--) {
			if (this.history.get(i).error() != null) {
				return this.history.get(i).error();
			}
		}
		return null;
	}

	/**
	 * Whether it has ended for whoever waits on it: finished, and if done, with its output linked (the commit comes a
	 * moment before the link).
	 */
	public boolean hasEnded() {
		return state().isFinished() && (state() != TaskState.DONE || this.hasOutput);
	}

	/** The record of the attempt whose answer was published, or null. */
	public Attempt lastDone() {
		for (int i = this.history.size() - 1; i >= 0; i--) {
			if (this.history.get(i).outcome() == Attempt.Outcome.DONE) {
				return this.history.get(i);
			}
		}
		return null;
	}

	public List<TaskId> dependsOn() {
		return this.document.dependsOn();
	}

	/** Whether an agent that lists no roles may claim it now, leaving aside the tasks it depends on. */
	public boolean isClaimableBy(String agent) {
		return isClaimableBy(agent, List.of());
	}

	/**
	 * Whether an agent with these roles may claim it now, leaving aside the tasks it depends on or waits for: the task
	 * is pending, or waiting for this agent; it names no agent or this one, and no role or one the agent lists.
	 */
	public boolean isClaimableBy(String agent, Collection<String> roles) {
		boolean open = state() == TaskState.PENDING || (state() == TaskState.WAITING && agent.equals(this.file.owner()));
		return open && this.problem == null
				&& (this.document.agent() == null || this.document.agent().equals(agent))
				&& (this.document.role() == null || listsRole(roles, this.document.role()));
	}

	/** Whether a role is among these, compared without regard to case or surrounding blanks. */
	public static boolean listsRole(Collection<String> roles, String role) {
		return roles.stream().anyMatch((listed) -> listed != null && listed.strip().equalsIgnoreCase(role.strip()));
	}

}
