package dev.spool.agent;

import java.util.List;

/**
 * An agent as its file in {@code agents/} defines it: front matter, then the system prompt.
 *
 * @param name the file's name without {@code .md}, which appears in the filenames of tasks it claims
 * @param model the model to ask, or null for the configured default
 * @param temperature the sampling temperature, or null for the model's default
 * @param concurrency how many tasks it works on at once
 * @param roles what it is for, free-form
 * @param systemPrompt the body of its file
 * @param outside whether a program outside Spool is this agent ({@code outside: true}): Spool runs no loop for it,
 * but routes tasks to its roles
 * @param command the program Spool runs for each attempt instead of asking a model, as its argument vector; empty
 * for an agent that asks a model
 * @param budgetDailyTokens the most tokens its attempts may use in a UTC day ({@code budget_daily_tokens}), or null
 * for no limit
 * @param environment the names of Spool's environment variables its command also gets ({@code env:}), beyond the
 * few every command gets
 * @param tools what its model may use ({@code tools:}): {@value #SPOOL_TOOLS} for Spool's own tools, any other name
 * for the MCP server of that name in the workspace's {@code mcp.json}; empty offers nothing
 * @param review whether a person approves or rejects every answer it gives ({@code review: true}) before its task is
 * done
 */
public record AgentDefinition(String name, String model, Double temperature, int concurrency, List<String> roles,
		String systemPrompt, boolean outside, List<String> command, Long budgetDailyTokens, List<String> environment,
		List<String> tools, boolean review) {

	/** The name in {@code tools:} that stands for Spool's own tools: submitting, reading and cancelling tasks. */
	public static final String SPOOL_TOOLS = "spool";

	public AgentDefinition {
		roles = List.copyOf(roles);
		command = List.copyOf(command);
		environment = List.copyOf(environment);
		tools = List.copyOf(tools);
	}

	/** An agent whose answers need no review. */
	public AgentDefinition(String name, String model, Double temperature, int concurrency, List<String> roles,
			String systemPrompt, boolean outside, List<String> command, Long budgetDailyTokens,
			List<String> environment, List<String> tools) {
		this(name, model, temperature, concurrency, roles, systemPrompt, outside, command, budgetDailyTokens,
				environment, tools, false);
	}

	/** An agent whose model may use no tools. */
	public AgentDefinition(String name, String model, Double temperature, int concurrency, List<String> roles,
			String systemPrompt, boolean outside, List<String> command, Long budgetDailyTokens,
			List<String> environment) {
		this(name, model, temperature, concurrency, roles, systemPrompt, outside, command, budgetDailyTokens,
				environment, List.of());
	}

	/** Whether its model may use Spool's own tools. */
	public boolean usesSpoolTools() {
		return this.tools.contains(SPOOL_TOOLS);
	}

	/** The MCP servers, by their names in {@code mcp.json}, whose tools its model may use. */
	public List<String> mcpServers() {
		return this.tools.stream().filter((tool) -> !tool.equals(SPOOL_TOOLS)).toList();
	}

	/** Whether a command, not a model, answers this agent's tasks. */
	public boolean runsCommand() {
		return !this.command.isEmpty();
	}

}
