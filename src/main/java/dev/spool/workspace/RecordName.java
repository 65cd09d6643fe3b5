package dev.spool.workspace;

import java.util.Optional;

/**
 * The name of an attempt record, {@code <task id>.<number>.json} ({@code task_042.3.json}), as
 * {@link WorkspaceLayout#attempt} writes it: the number from 1, at most nine digits, without leading zeros.
 *
 * @param task the task the record belongs to
 * @param number the record's number in the task's history
 */
public record RecordName(TaskId task, int number) {

	private static final String SUFFIX = ".json";

	private static final int MAX_DIGITS = 9;

	/** Parses a file name, or returns empty when it is not a record's; read by hand, for folders of 100,000 names. */
	public static Optional<RecordName> parse(String fileName) {
		int dot = fileName.indexOf('.');
		int last = fileName.length() - SUFFIX.length();
		int digits = last - dot - 1;
		if (dot < 0 || digits < 1 || digits > MAX_DIGITS || !fileName.endsWith(SUFFIX) || fileName.charAt(last) != '.'
				|| fileName.charAt(dot + 1) == '0') {
			return Optional.empty();
		}
		for (int i = dot + 1; i < last; i++) {
			if (fileName.charAt(i) < '0' || fileName.charAt(i) > '9') {
				return Optional.empty();
			}
		}
		int number = Integer.parseInt(fileName, dot + 1, last, 10);
		return TaskId.parse(fileName.substring(0, dot)).map((id) -> new RecordName(id, number));
	}

}
