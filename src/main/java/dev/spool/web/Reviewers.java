package dev.spool.web;

import java.security.Principal;

import dev.spool.workspace.InvalidTaskException;

/** Who decides on an answer in review, and the note a rejection carries, as the API and the pages take them. */
final class Reviewers {

	/** The longest note a rejection may carry; it goes into the next attempt's prompt. */
	static final int MAX_NOTE_LENGTH = 10_000;

	private static final int MAX_NAME_LENGTH = 64;

	private Reviewers() {
	}

	/**
	 * The name the history shows: the one the request gives, else the signed-in user's.
	 * @throws InvalidTaskException if the given name is empty, longer than 64 characters or not one line
	 */
	static String name(Principal principal, ReviewRequest request) {
		return name(principal, (request != null) ? request.by() : null);
	}

	static String name(Principal principal, String by) {
		if (by != null) {
			String name = by.strip();
			if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
				throw new InvalidTaskException("by: a reviewer's name is one line of 1 to " + MAX_NAME_LENGTH
						+ " characters");
			}
			return name;
		}
		return (principal != null && principal.getName() != null) ? principal.getName() : "a person";
	}

	/** A rejection's note, stripped; null when there is none. */
	static String note(ReviewRequest request) {
		return note((request != null) ? request.note() : null);
	}

	static String note(String note) {
		if (note == null || note.isBlank()) {
			return null;
		}
		if (note.length() > MAX_NOTE_LENGTH) {
			throw new InvalidTaskException("note: is longer than " + MAX_NOTE_LENGTH + " characters");
		}
		return note.strip();
	}

}
