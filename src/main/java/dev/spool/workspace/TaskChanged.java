package dev.spool.workspace;

/**
 * Published whenever what is known of a task changes, whoever changed its files.
 *
 * @param before what was known before, or null for a new task
 * @param after what is known now, or null when its file is gone
 */
public record TaskChanged(Task before, Task after) {

	public TaskId id() {
		return (this.after != null) ? this.after.id() : this.before.id();
	}

	public boolean stateChanged() {
		return this.before == null || this.after == null || this.before.state() != this.after.state()
				|| !this.before.file().equals(this.after.file());
	}

}
