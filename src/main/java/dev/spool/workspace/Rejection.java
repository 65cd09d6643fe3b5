package dev.spool.workspace;

import java.time.Instant;

/**
 * A rejected answer and the reviewer's note, handed to the task's next attempt so that the agent revises it.
 *
 * @param answer the rejected answer's text, without its header, or null when it cannot be read
 * @param note what the reviewer wrote, or null
 * @param by who rejected it
 * @param at when
 */
public record Rejection(String answer, String note, String by, Instant at) {

	/** The most of the rejected answer a prompt carries; the rest is cut, with a note saying so. */
	public static final int MAX_ANSWER_CHARS = 32_000;

	/**
	 * What a person said of the last answer, under headings of its own after the task, so that the agent revises it
	 * rather than starts over. PROTOCOL.md ("Review") gives the format.
	 */
	public String promptSection() {
		String text = (this.answer != null) ? cut(this.answer.strip()) : "(the rejected answer could not be read)";
		String said = (this.note != null) ? this.note : "(the reviewer left no note)";
		return "## Your previous answer, rejected by a reviewer\n\n" + text + "\n\n## The reviewer's note\n\n" + said
				+ "\n\n## What to do\n\nRevise your previous answer to the task above as the note asks, and give the"
				+ " whole revised answer.";
	}

	private static String cut(String text) {
		if (text.length() <= MAX_ANSWER_CHARS) {
			return text;
		}
		int cut = MAX_ANSWER_CHARS;
		if (Character.isHighSurrogate(text.charAt(cut - 1))) {
			cut--;
		}
		return text.substring(0, cut) + "\n\n[… cut: the answer is " + text.length() + " characters and only the first "
				+ cut + " are handed over; the whole of it is kept in .spool/reviews/]";
	}

}
