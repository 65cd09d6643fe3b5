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
 */
public record TaskRequest(String prompt, String title, String agent, String role, Integer priority,
		List<String> dependsOn, String parent) {
}
