package dev.spool.workspace;

import java.time.Instant;

/**
 * An agent's hold on a task, won by renaming its pending file.
 *
 * @param file the in-progress file the claim renamed the task to
 * @param startedAt when the claim was won
 */
public record Claim(TaskFile file, Instant startedAt) {

	public TaskId id() {
		return this.file.id();
	}

	public String agent() {
		return this.file.owner();
	}

}
