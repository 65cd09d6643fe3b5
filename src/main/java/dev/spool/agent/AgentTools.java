package dev.spool.agent;

import java.util.List;

import org.springframework.ai.tool.ToolCallback;

/**
 * What a feature lends an agent's model for one attempt: Spool's own tools, an MCP server's. A model agent with tools
 * lent works the task as a conversation ({@link ModelResponder}); one without answers in one call, as before.
 */
@FunctionalInterface
public interface AgentTools {

	/** The tools this feature lends the attempt, as the agent's definition asks; none when it asks for none. */
	List<ToolCallback> lend(Responder.Request request);

}
