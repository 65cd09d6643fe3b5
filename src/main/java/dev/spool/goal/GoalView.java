package dev.spool.goal;

import java.util.List;

/**
 * A goal as the files tell it: its task, its plan's steps with their tasks, its final task, and its result.
 *
 * @param id the goal task's id
 * @param title its title, or null
 * @param status the goal task's state
 * @param goal the goal's text
 * @param planned whether its plan has been published
 * @param steps the plan's steps, in order, each with its task once it has one
 * @param finalTask the task that combines the steps, once it exists
 * @param result the final answer, once the goal is done
 * @param error why the goal failed, or null
 */
public record GoalView(String id, String title, String status, String goal, boolean planned, List<Step> steps,
		Step finalTask, String result, String error) {

	/**
	 * One step of the plan, or the final task.
	 *
	 * @param step its number from 1, or {@code final}
	 * @param prompt what the plan asks of it
	 * @param taskId its task, or null while it has none
	 * @param status its task's state, or null
	 * @param title its task's title, or null
	 * @param agent the agent its task is routed to, or null for any
	 * @param role the role its task asks for, or null
	 * @param dependsOn the tasks it waits for
	 */
	public record Step(String step, String prompt, String taskId, String status, String title, String agent,
			String role, List<String> dependsOn) {
	}

}
