package dev.spool.agent;

import dev.spool.workspace.TaskId;

/**
 * A step of a task's conversation was recorded in this process: a model's turn asking for tool calls, or a call's
 * result. The file already holds it when this is published.
 *
 * @param task the task whose conversation it is
 */
public record ConversationStepped(TaskId task) {
}
