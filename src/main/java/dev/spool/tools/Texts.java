package dev.spool.tools;

/** Cutting text for a reader with a limit, without splitting a character written as two UTF-16 units. */
final class Texts {

	private Texts() {
	}

	/** The first {@code length} characters of a text, one fewer if the last would be half of a pair. */
	static String cut(String text, int length) {
		if (text.length() <= length) {
			return text;
		}
		int end = (length > 0 && Character.isHighSurrogate(text.charAt(length - 1))) ? length - 1 : length;
		return text.substring(0, end);
	}

	/** Where a part of a text that starts at {@code offset} must start not to begin with half of a pair. */
	static int start(String text, int offset) {
		return (offset > 0 && offset < text.length() && Character.isLowSurrogate(text.charAt(offset))
				&& Character.isHighSurrogate(text.charAt(offset - 1))) ? offset - 1 : offset;
	}

}
