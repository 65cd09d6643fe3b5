/** The archive: finished tasks, with their outputs and attempt records, moved out of {@code tasks/} by rename. */
package dev.spool.archive;
