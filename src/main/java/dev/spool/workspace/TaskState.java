package dev.spool.workspace;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The life cycle of a task, which its filename carries. */
public enum TaskState {

	PENDING("pending"), IN_PROGRESS("inprogress"),

	/**
	 * Put aside by the agent that held it until the tasks its conversation waits for have ended, holding no slot;
	 * only an agent of the same name takes it again, and resumes the conversation.
	 */
	WAITING("waiting"),

	/**
	 * Answered, its answer published, and waiting for a person to approve it (then done) or reject it with a note
	 * (then pending again, the next attempt shown the answer and the note); its dependants wait meanwhile.
	 */
	REVIEW("review"),

	DONE("done"), FAILED("failed"), CANCELLED("cancelled");

	private static final TaskState[] ALL = values();

	private final String word;

	TaskState(String word) {
		this.word = word;
	}

	/** The word used in filenames and in the API. */
	public String word() {
		return this.word;
	}

	/** Whether a file in this state names an agent: the one holding it, or the one it waits for. */
	public boolean hasOwner() {
		return this == IN_PROGRESS || this == WAITING;
	}

	public boolean isFinished() {
		return this == DONE || this == FAILED || this == CANCELLED;
	}

	/** Whether anyone may move a task from this state to the next; {@link Actor} says who. */
	public boolean canTransitionTo(TaskState next) {
		return Actor.anyMay(this, next);
	}

	/** Every state's word, as a sentence lists them: "pending, inprogress, ... or waiting". */
	public static String words() {
		List<String> words = Arrays.stream(values()).map(TaskState::word).toList();
		return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
	}

	public static Optional<TaskState> fromWord(String word) {
		for (TaskState state : ALL) {
			if (state.word.equals(word)) {
				return Optional.of(state);
			}
		}
		return Optional.empty();
	}

}
