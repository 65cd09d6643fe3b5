package dev.spool.mcpclient;

import java.util.List;
import java.util.Optional;

import org.springframework.ai.tool.ToolCallback;

/**
 * A server's tools for an agent. A server that cannot be used offers none, and says why, for the agent to tell its
 * model or the task's record.
 * @param tools the tools, named {@code <server>__<tool>}
 * @param problem why there are none, or null
 */
record ServerTools(String server, List<ToolCallback> tools, String problem) {

	public ServerTools {
		tools = List.copyOf(tools);
	}

	public Optional<String> problemText() {
		return Optional.ofNullable(this.problem);
	}

}
