package dev.spool.workspace;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A task's id as it appears in filenames: {@code task_} and a number, such as {@code task_007} or {@code task_1000}.
 * Hand-made files may use fewer digits ({@code task_7}); the text is kept as written so that renames find the file.
 *
 * @param text the id as written
 * @param number its numeric value, which orders ids
 */
public record TaskId(String text, long number) implements Comparable<TaskId> {

	private static final Pattern PATTERN = Pattern.compile("task_(\\d{1,18})");

	public static TaskId of(long number) {
		return new TaskId(String.format("task_%03d", number), number);
	}

	/** Parses an id, or returns empty when the text is not one. */
	public static Optional<TaskId> parse(String text) {
		if (text == null || !PATTERN.matcher(text).matches()) {
			return Optional.empty();
		}
		return Optional.of(new TaskId(text, Long.parseLong(text.substring(5))));
	}

	@Override
	public int compareTo(TaskId other) {
		int byNumber = Long.compare(this.number, other.number);
		return (byNumber != 0) ? byNumber : this.text.compareTo(other.text);
	}

	@Override
	public String toString() {
		return this.text;
	}

}
