package dev.spool.workspace;

/**
 * How a problem with a file is worded for the people who read it in lists and logs: one line, of a sensible length,
 * with any value it echoes quoted and cut short.
 */
public final class ProblemText {

	private ProblemText() {
	}

	/** A value as a problem shows it: quoted, on one line, cut short. */
	public static String quoted(String value) {
		return "'" + cut(flatten(value), 80) + "'";
	}

	/** A message on one line and of a sensible length, for problems that people read in lists. */
	public static String oneLine(String message) {
		return cut(flatten((message != null) ? message : "").strip(), 300);
	}

	/** What went wrong, for a problem: the exception's first line, or its type when it has no message. */
	public static String describe(Throwable error) {
		String message = error.getMessage();
		if (message == null || message.isBlank()) {
			return error.getClass().getSimpleName();
		}
		return oneLine(message.strip().lines().findFirst().orElse(""));
	}

	private static String flatten(String text) {
		StringBuilder out = new StringBuilder(Math.min(text.length(), 400));
		for (int i = 0; i < text.length() && out.length() < 400; i++) {
			char c = text.charAt(i);
			int type = Character.getType(c);
			boolean breaksALine = type == Character.CONTROL || type == Character.LINE_SEPARATOR
					|| type == Character.PARAGRAPH_SEPARATOR;
			out.append(breaksALine ? ' ' : c);
		}
		return out.toString();
	}

	private static String cut(String text, int length) {
		if (text.length() <= length) {
			return text;
		}
		int end = Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length;
		return text.substring(0, end) + "…";
	}

}
