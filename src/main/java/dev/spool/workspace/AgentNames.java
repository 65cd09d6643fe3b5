package dev.spool.workspace;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The rule for agent names, which become part of filenames. */
public final class AgentNames {

	private static final Pattern PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

	/**
	 * Names found valid: a workspace has few agents, and each of its task files and results names one, a hundred
	 * thousand checks at the start of a large workspace. Bounded, since names come from files anyone may write.
	 */
	private static final Set<String> VALID = ConcurrentHashMap.newKeySet();

	private static final int MAX_REMEMBERED = 1024;

	private AgentNames() {
	}

	/**
	 * Whether a name is allowed: lower-case letters, digits, {@code _} and {@code -}, starting with a letter or digit,
	 * and no {@code _}-separated part that is a state word, which would make a filename ambiguous.
	 */
	public static boolean isValid(String name) {
		if (name == null) {
			return false;
		}
		if (VALID.contains(name)) {
			return true;
		}
		boolean valid = PATTERN.matcher(name).matches()
				&& Arrays.stream(name.split("_")).noneMatch((part) -> TaskState.fromWord(part).isPresent());
		if (valid && VALID.size() < MAX_REMEMBERED) {
			VALID.add(name);
		}
		return valid;
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
