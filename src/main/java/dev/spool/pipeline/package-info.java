/** Pipelines: chains of tasks where each stage reads the previous stage's answer, from its output file or streamed through a named pipe in {@code pipes/}. */
package dev.spool.pipeline;
