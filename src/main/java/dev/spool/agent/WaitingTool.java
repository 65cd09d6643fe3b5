package dev.spool.agent;

import java.util.Set;

import dev.spool.workspace.TaskId;

/**
 * A tool whose call cannot be answered until other tasks have ended, such as {@code wait_task}. Rather than hold its
 * slot while they run, the attempt records the wait in the task's conversation and puts the task aside
 * ({@link Outcome.Waiting}); the attempt that resumes the conversation once they have ended runs the call, which then
 * answers at once.
 */
public interface WaitingTool {

	/**
	 * The tasks this call waits for that have not ended yet; empty when it can be answered now.
	 * @throws RuntimeException when the call cannot wait (its arguments are wrong, or the wait would never end): the
	 * call is then run, and the model reads why in its result
	 */
	Set<TaskId> unfinished(String arguments);

}
