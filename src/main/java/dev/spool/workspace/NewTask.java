package dev.spool.workspace;

import java.util.List;

/**
 * What a caller asks for when creating a task.
 *
 * @param prompt the prompt, required
 * @param title an optional title
 * @param agent the only agent that may take it, or null for any
 * @param priority higher runs first
 * @param dependsOn tasks that must be done first
 * @param retryOf the task this one reworks, or null
 */
public record NewTask(String prompt, String title, String agent, int priority, List<TaskId> dependsOn,
		TaskId retryOf) {

	public NewTask {
		dependsOn = (dependsOn != null) ? List.copyOf(dependsOn) : List.of();
	}

	public static NewTask of(String prompt) {
		return new NewTask(prompt, null, null, 0, List.of(), null);
	}

}
