package dev.spool.model;

/**
 * Which model answers, for the API and the dashboard.
 *
 * @param offline whether the built-in offline model answers
 * @param defaultModel the model used when an agent names none
 * @param baseUrl the OpenAI-compatible endpoint, or null when offline
 */
public record ModelInfo(boolean offline, String defaultModel, String baseUrl) {
}
