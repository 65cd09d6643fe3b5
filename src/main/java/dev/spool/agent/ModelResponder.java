package dev.spool.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.tool.ToolCallback;

import dev.spool.model.ModelErrors;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelRequest;

/**
 * Answers with the model the agent names (or the default). Without tools: its system prompt and the attempt's input,
 * streamed. With tools lent ({@link AgentTools}): a conversation Spool drives itself, turn by turn
 * ({@link ToolConversations}).
 */
final class ModelResponder implements Responder {

	private static final Log logger = LogFactory.getLog(ModelResponder.class);

	private final ModelGateway model;

	private final List<AgentTools> tools;

	private final ToolConversations conversations;

	ModelResponder(ModelGateway model, List<AgentTools> tools, ToolConversations conversations) {
		this.model = model;
		this.tools = List.copyOf(tools);
		this.conversations = conversations;
	}

	@Override
	public Outcome answer(Request request, Consumer<String> onPiece) throws InterruptedException {
		AgentDefinition agent = request.agent();
		ModelRequest question = new ModelRequest(agent.systemPrompt(), request.input(), agent.model(),
				agent.temperature());
		// The offline model calls no tools: none is lent, and no MCP server is started for it.
		Map<String, ToolCallback> lent = this.model.info().offline() ? Map.of() : lent(request);
		try {
			if (lent.isEmpty()) {
				return new Outcome.Answered(this.model.ask(question, onPiece));
			}
			return this.conversations.converse(request.task(), question, request.input(), List.copyOf(lent.values()),
					onPiece);
		}
		catch (RuntimeException ex) {
			return new Outcome.Failed(ModelErrors.describe(ex), ModelErrors.retryAfter(ex), null);
		}
	}

	private Map<String, ToolCallback> lent(Request request) {
		Map<String, ToolCallback> byName = new LinkedHashMap<>();
		for (AgentTools source : this.tools) {
			for (ToolCallback tool : source.lend(request)) {
				String name = tool.getToolDefinition().name();
				if (byName.putIfAbsent(name, tool) != null) {
					logger.warn("Two tools lent to " + request.agent().name() + " are named " + name + "; the first is used");
				}
			}
		}
		return byName;
	}

}
