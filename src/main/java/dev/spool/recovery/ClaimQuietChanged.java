package dev.spool.recovery;

import dev.spool.workspace.TaskId;

/**
 * Published when an in-progress task's heartbeat has stayed unchanged long enough to worry (quiet), and when it
 * changes again: nothing in the files changes at either moment, yet the dashboard's flag does.
 *
 * @param id the task
 * @param quiet whether its claim is quiet now
 */
public record ClaimQuietChanged(TaskId id, boolean quiet) {
}
