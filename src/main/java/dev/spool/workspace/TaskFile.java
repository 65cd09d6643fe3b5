package dev.spool.workspace;

import java.util.Optional;

/**
 * A task file's name, which is the task's state: {@code task_001_pending.md},
 * {@code task_001_inprogress_agent_a.md}, {@code task_001_review.md}, {@code task_001_done.md},
 * {@code task_001_waiting_agent_a.md}, and so on.
 *
 * @param id the task's id
 * @param state the state the name carries
 * @param owner the agent that holds the claim ({@link TaskState#IN_PROGRESS}) or that will take it again
 * ({@link TaskState#WAITING}); null in every other state
 */
public record TaskFile(TaskId id, TaskState state, String owner) {

	private static final String SUFFIX = ".md";

	private static final TaskState[] STATES = TaskState.values();

	public TaskFile {
		if (state.hasOwner() != (owner != null)) {
			throw new IllegalArgumentException("an owner goes with the in-progress and waiting states only");
		}
	}

	/**
	 * Parses a filename, or returns empty when it is not a task file's name: {@code task_}, 1 to 18 digits, {@code _},
	 * a state's word ({@code inprogress} and {@code waiting} with {@code _} and a valid agent name), {@code .md}. Read
	 * by hand rather than by a pattern, since a start reads every name of a large workspace several times.
	 */
	public static Optional<TaskFile> parse(String fileName) {
		int end = fileName.length() - SUFFIX.length();
		if (end < 0 || !fileName.endsWith(SUFFIX)) {
			return Optional.empty();
		}
		int idEnd = fileName.indexOf('_', TaskId.PREFIX.length());
		if (idEnd < 0 || idEnd >= end) {
			return Optional.empty();
		}
		Optional<TaskId> id = TaskId.parse(fileName.substring(0, idEnd));
		if (id.isEmpty()) {
			return Optional.empty();
		}
		String rest = fileName.substring(idEnd + 1, end);
		for (TaskState state : STATES) {
			String word = state.word();
			if (!state.hasOwner() && rest.equals(word)) {
				return Optional.of(new TaskFile(id.get(), state, null));
			}
			if (state.hasOwner() && rest.length() > word.length() && rest.startsWith(word)
					&& rest.charAt(word.length()) == '_') {
				String owner = rest.substring(word.length() + 1);
				return AgentNames.isValid(owner) ? Optional.of(new TaskFile(id.get(), state, owner)) : Optional.empty();
			}
		}
		return Optional.empty();
	}

	public static TaskFile pending(TaskId id) {
		return new TaskFile(id, TaskState.PENDING, null);
	}

	/** The same task in another state; an in-progress or waiting file needs its owner. */
	public TaskFile to(TaskState next, String nextOwner) {
		if (!this.state.canTransitionTo(next)) {
			throw new IllegalStateException(this.id + " cannot go from " + this.state.word() + " to " + next.word());
		}
		return new TaskFile(this.id, next, next.hasOwner() ? nextOwner : null);
	}

	public String fileName() {
		String stateText = this.state.hasOwner() ? this.state.word() + "_" + this.owner : this.state.word();
		return this.id.text() + "_" + stateText + ".md";
	}

	@Override
	public String toString() {
		return fileName();
	}

}
