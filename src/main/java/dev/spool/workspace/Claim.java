package dev.spool.workspace;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * An agent's hold on a task, won by renaming its pending file. The claim also knows the modification time it last
 * stamped on its file: two slots of one agent name the same in-progress file, and the stamp tells whose claim it is.
 */
public final class Claim {

	private final TaskFile file;

	private final Instant startedAt;

	private volatile FileTime stamp;

	Claim(TaskFile file, Instant startedAt, FileTime stamp) {
		this.file = file;
		this.startedAt = startedAt;
		this.stamp = stamp;
	}

	/** The in-progress file the claim renamed the task to. */
	public TaskFile file() {
		return this.file;
	}

	/** When the claim was won. */
	public Instant startedAt() {
		return this.startedAt;
	}

	public TaskId id() {
		return this.file.id();
	}

	public String agent() {
		return this.file.owner();
	}

	FileTime stamp() {
		return this.stamp;
	}

	void restamp(FileTime newStamp) {
		this.stamp = newStamp;
	}

	@Override
	public String toString() {
		return this.file + " since " + this.startedAt;
	}

}
