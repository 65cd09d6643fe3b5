package dev.spool.tools;

import java.util.List;

/**
 * A new task as a caller asks for it, in the words of the API and the tools: ids still as text, checked when it is
 * submitted.
 *
 * @param prompt what the agent is asked to do
 * @param title a short name for the board, or null
 * @param agent the only agent that may take it, or null
 * @param role the role an agent must list to take it, or null
 * @param priority higher is taken first; null for 0
 * @param dependsOn ids of tasks whose results it needs, or null
 * @param parent the id of the task that submits it as a subtask, or null
 * @param review whether a person approves or rejects its answer before it is done; null for no
 */
public record TaskRequest(String prompt, String title, String agent, String role, Integer priority,
		List<String> dependsOn, String parent, Boolean review) {

	/** A task whose answer needs no review. */
	public TaskRequest(String prompt, String title, String agent, String role, Integer priority,
			List<String> dependsOn, String parent) {
		this(prompt, title, agent, role, priority, dependsOn, parent, null);
	}

	/** Whether it asks for a person to review its answer. */
	public boolean reviewed() {
		return Boolean.TRUE.equals(this.review);
	}

}
