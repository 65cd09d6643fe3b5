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
}
