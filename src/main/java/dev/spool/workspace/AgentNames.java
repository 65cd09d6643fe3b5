package dev.spool.workspace;

import java.util.Arrays;
import java.util.regex.Pattern;

/** The rule for agent names, which become part of filenames. */
public final class AgentNames {

	private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

	private AgentNames() {
	}

	/**
	 * Whether a name is allowed: lower-case letters, digits, {@code _} and {@code -}, starting with a letter or digit,
	 * and no {@code _}-separated part that is a state word, which would make a filename ambiguous.
	 */
	public static boolean isValid(String name) {
		if (name == null || !PATTERN.matcher(name).matches()) {
			return false;
		}
		return Arrays.stream(name.split("_")).noneMatch((part) -> TaskState.fromWord(part).isPresent());
	}

	/** Returns the name, or throws an {@link InvalidTaskException} that says what is allowed. */
	public static String require(String name) {
		if (!isValid(name)) {
			throw new InvalidTaskException("agent name '" + name + "' is not allowed: use lower-case letters, digits,"
					+ " '_' and '-', at most 63 characters, and no part named after a state (such as '_done')");
		}
		return name;
	}

}
