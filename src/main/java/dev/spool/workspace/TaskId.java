package dev.spool.workspace;

import java.util.Optional;

/**
 * A task's id as it appears in filenames: {@code task_} and a number, such as {@code task_007} or {@code task_1000}.
 * Hand-made files may use fewer digits ({@code task_7}); the text is kept as written so that renames find the file.
 *
 * @param text the id as written
 * @param number its numeric value, which orders ids
 */
public record TaskId(String text, long number) implements Comparable<TaskId> {

	static final String PREFIX = "task_";

	private static final int MAX_DIGITS = 18;

	public static TaskId of(long number) {
		return new TaskId(String.format("task_%03d", number), number);
	}

	/** Parses an id, or returns empty when the text is not one. */
	public static Optional<TaskId> parse(String text) {
		int digits = (text != null) ? text.length() - PREFIX.length() : 0;
		if (digits < 1 || digits > MAX_DIGITS || !text.startsWith(PREFIX)) {
			return Optional.empty();
		}
		for (int i = PREFIX.length(); i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return Optional.empty();
			}
		}
		return Optional.of(new TaskId(text, Long.parseLong(text, PREFIX.length(), text.length(), 10)));
	}

	@Override
	public int compareTo(TaskId other) {
		int byNumber = Long.compare(this.number, other.number);
		return (byNumber != 0) ? byNumber : this.text.compareTo(other.text);
	}

	// Written out rather than the record's own: those are method handles that the quick compiler Spool runs with
	// (C1) does not inline, and at 100,000 tasks they were 2 % of a start, in every map keyed by id. The number comes
	// from the text, so the text's hash, which a String keeps once computed, is the id's.
	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof TaskId id && this.number == id.number && this.text.equals(id.text));
	}

	@Override
	public int hashCode() {
		return this.text.hashCode();
	}

	@Override
	public String toString() {
		return this.text;
	}

}
