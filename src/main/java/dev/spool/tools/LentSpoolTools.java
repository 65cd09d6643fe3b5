package dev.spool.tools;

import java.util.List;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.stereotype.Component;

import dev.spool.agent.AgentDefinition;
import dev.spool.agent.AgentTools;
import dev.spool.agent.Responder;

/** Lends Spool's own tools to the model of an agent whose definition lists {@code spool} in its {@code tools:}. */
@Component
final class LentSpoolTools implements AgentTools {

	private final SpoolTools tools;

	LentSpoolTools(SpoolTools tools) {
		this.tools = tools;
	}

	@Override
	public List<ToolCallback> lend(Responder.Request request) {
		return request.agent().tools().contains(AgentDefinition.SPOOL_TOOLS) ? this.tools.forAttempt(request.task())
				: List.of();
	}

}
