package dev.spool.agent;

import dev.spool.workspace.Task;

/**
 * What a feature asks of a task before an agent's slot claims it, beside the workspace's own start rules: that its
 * budget allows it, for example. Asked last, of tasks that may otherwise start.
 */
@FunctionalInterface
public interface ClaimCheck {

	boolean allows(Task task, String agent);

}
