package dev.spool.model;

/**
 * One call to the model.
 *
 * @param systemPrompt the agent's instructions
 * @param userPrompt the task's prompt
 * @param model the model to use, or null for the configured default
 * @param temperature the sampling temperature, or null for the model's default
 */
public record ModelRequest(String systemPrompt, String userPrompt, String model, Double temperature) {
}
