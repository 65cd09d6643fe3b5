package dev.spool.workspace;

import java.util.Arrays;
import java.util.Optional;

/** The life cycle of a task, which its filename carries. */
public enum TaskState {

	PENDING("pending"), IN_PROGRESS("inprogress"), DONE("done"), FAILED("failed"), CANCELLED("cancelled");

	private final String word;

	TaskState(String word) {
		this.word = word;
	}

	/** The word used in filenames and in the API. */
	public String word() {
		return this.word;
	}

	public boolean isFinished() {
		return this == DONE || this == FAILED || this == CANCELLED;
	}

	/** Whether anyone may move a task from this state to the next; {@link Actor} says who. */
	public boolean canTransitionTo(TaskState next) {
		return Actor.anyMay(this, next);
	}

	public static Optional<TaskState> fromWord(String word) {
		return Arrays.stream(values()).filter((state) -> state.word.equals(word)).findFirst();
	}

}
