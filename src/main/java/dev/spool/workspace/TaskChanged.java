package dev.spool.workspace;

/**
 * What happened to a task, published whenever what is known of it changes, whoever changed its files. The kind is
 * decided here once, from what was known before and what is known now, so a listener takes the kinds it cares about
 * ({@code @EventListener void on(TaskChanged.Cancelled cancelled)}) instead of comparing states again; a listener of
 * {@code TaskChanged} hears them all.
 * <p>
 * A listener runs on the thread that made or saw the change. One that changes files hands that work to its own
 * thread: a move made inside another change's dispatch would be heard before the listeners after it heard the first.
 */
public sealed interface TaskChanged {

	/** What was known of the task before, or null when it is seen for the first time. */
	Task before();

	/** What is known of the task now, or null when its file is gone. */
	Task after();

	default TaskId id() {
		return (after() != null) ? after().id() : before().id();
	}

	/** Whether the task is in another state or under another name than before (always, when it came or went). */
	default boolean stateChanged() {
		return before() == null || after() == null || before().state() != after().state()
				|| !before().file().equals(after().file());
	}

	/** The kind of change that leads from what was known to what is known; one of them may be null, not both. */
	static TaskChanged of(Task before, Task after) {
		if (before == null) {
			return new Appeared(after);
		}
		if (after == null) {
			return new Vanished(before);
		}
		if (before.state() == after.state() && before.file().equals(after.file())) {
			return new Updated(before, after);
		}
		return switch (after.state()) {
			case PENDING -> new Returned(before, after);
			case IN_PROGRESS -> new Claimed(before, after);
			case WAITING -> new PutAside(before, after);
			case REVIEW -> new AwaitingReview(before, after);
			case DONE -> new Published(before, after);
			case FAILED -> new Failed(before, after);
			case CANCELLED -> new Cancelled(before, after);
		};
	}

	/** A task seen for the first time: submitted, written in by hand, or found when Spool started. */
	record Appeared(Task after) implements TaskChanged {

		@Override
		public Task before() {
			return null;
		}

	}

	/**
	 * A task's file is gone: archived or deleted, or in the middle of a move seen as a vanished name first (the
	 * change the move made follows, from what was known before it).
	 */
	record Vanished(Task before) implements TaskChanged {

		@Override
		public Task after() {
			return null;
		}

	}

	/** Same state, same name: its records, its answer or its text changed, or it is now known whole. */
	record Updated(Task before, Task after) implements TaskChanged {
	}

	/**
	 * Back in the queue: handed back, taken back from a silent agent, retried, its answer rejected by a reviewer, or a
	 * failed attempt to try again.
	 */
	record Returned(Task before, Task after) implements TaskChanged {
	}

	/** Taken by an agent: claimed from the queue, or resumed by its own agent after waiting. */
	record Claimed(Task before, Task after) implements TaskChanged {
	}

	/** Put aside by its agent while the tasks it waits for run; it holds no slot. */
	record PutAside(Task before, Task after) implements TaskChanged {
	}

	/** Answered, its answer published, and held for a person to approve or reject it. */
	record AwaitingReview(Task before, Task after) implements TaskChanged {
	}

	/** Done: its agent committed it, or a person approved its answer in review (its answer may be linked a moment later, an {@link Updated} then). */
	record Published(Task before, Task after) implements TaskChanged {
	}

	/** Failed for good: out of attempts, refused, a failed dependency, or failed by hand. */
	record Failed(Task before, Task after) implements TaskChanged {
	}

	/** Cancelled by a person, by a cancelled goal or parent, or by hand. */
	record Cancelled(Task before, Task after) implements TaskChanged {
	}

}
