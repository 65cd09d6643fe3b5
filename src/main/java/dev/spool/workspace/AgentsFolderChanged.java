package dev.spool.workspace;

/** Published when a file in {@code agents/} appears, vanishes or changes. */
public record AgentsFolderChanged() {
}
