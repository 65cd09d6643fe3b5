package dev.spool.workspace;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

	private static final Pattern NAME = Pattern
		.compile("(task_\\d{1,18})_(pending|review|done|failed|cancelled|(inprogress|waiting)_([a-z0-9][a-z0-9_-]{0,62}))\\.md");

	public TaskFile {
		if (state.hasOwner() != (owner != null)) {
			throw new IllegalArgumentException("an owner goes with the in-progress and waiting states only");
		}
	}

	/** Parses a filename, or returns empty when it is not a task file's name. */
	public static Optional<TaskFile> parse(String fileName) {
		Matcher matcher = NAME.matcher(fileName);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		TaskId id = TaskId.parse(matcher.group(1)).orElseThrow();
		String owner = matcher.group(4);
		if (owner != null) {
			TaskState held = TaskState.fromWord(matcher.group(3)).orElseThrow();
			return AgentNames.isValid(owner) ? Optional.of(new TaskFile(id, held, owner)) : Optional.empty();
		}
		return Optional.of(new TaskFile(id, TaskState.fromWord(matcher.group(2)).orElseThrow(), null));
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
