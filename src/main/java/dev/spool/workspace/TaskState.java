package dev.spool.workspace;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

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

	public boolean canTransitionTo(TaskState next) {
		return successors().contains(next);
	}

	private Set<TaskState> successors() {
		return switch (this) {
			case PENDING -> EnumSet.of(IN_PROGRESS, CANCELLED, FAILED);
			case IN_PROGRESS -> EnumSet.of(DONE, FAILED, PENDING, CANCELLED);
			case FAILED, CANCELLED -> EnumSet.of(PENDING);
			case DONE -> EnumSet.noneOf(TaskState.class);
		};
	}

	public static Optional<TaskState> fromWord(String word) {
		return Arrays.stream(values()).filter((state) -> state.word.equals(word)).findFirst();
	}

}
