package dev.spool.workspace;

/** Tokens a model reported for one answer. */
public record TokenUsage(long prompt, long completion, long total) {
}
