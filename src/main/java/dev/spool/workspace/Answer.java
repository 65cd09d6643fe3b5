package dev.spool.workspace;

/**
 * A model's answer to a task, ready to publish.
 *
 * @param text the result, Markdown
 * @param model the model that wrote it
 * @param offline whether the built-in offline model wrote it
 * @param tokens what the model reported, or null
 */
public record Answer(String text, String model, boolean offline, TokenUsage tokens) {
}
