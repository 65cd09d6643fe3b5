package dev.spool.agent;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.context.ApplicationEventPublisher;

import dev.spool.model.ModelErrors;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelRequest;
import dev.spool.model.ModelTurn;
import dev.spool.workspace.AtomicFiles;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.TokenUsage;
import dev.spool.workspace.WorkspaceLayout;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers with the model the agent names (or the default). Without tools: its system prompt and the attempt's input,
 * streamed. With tools lent ({@link AgentTools}): a conversation Spool drives itself, turn by turn, so that every
 * step is a file ({@link Conversation}): the model asks for tool calls, Spool records them, runs them, records each
 * result and sends them back, until the model answers. A tool that fails, a tool that does not exist, or arguments
 * that are not what the tool takes give the model an error to read, not a failed attempt.
 */
final class ModelResponder implements Responder {

	private static final Log logger = LogFactory.getLog(ModelResponder.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The most characters of one tool's result sent to the model; beyond it the result is cut, saying so. */
	static final int MAX_RESULT_CHARS = 64 * 1024;

	private final ModelGateway model;

	private final List<AgentTools> tools;

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final Clock clock;

	private final int maxToolCalls;

	private final ApplicationEventPublisher events;

	/**
	 * @param maxToolCalls the most tool calls one task's conversation may ask for, across its attempts
	 * @param events told of each step recorded ({@link ConversationStepped}), for pages that show it live
	 */
	ModelResponder(ModelGateway model, List<AgentTools> tools, WorkspaceLayout layout, AtomicFiles files, Clock clock,
			int maxToolCalls, ApplicationEventPublisher events) {
		this.model = model;
		this.tools = List.copyOf(tools);
		this.layout = layout;
		this.files = files;
		this.clock = clock;
		this.maxToolCalls = maxToolCalls;
		this.events = events;
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
			return converse(request, question, lent, onPiece);
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

	private Outcome converse(Request request, ModelRequest question, Map<String, ToolCallback> lent,
			Consumer<String> onPiece) throws InterruptedException {
		Conversation conversation;
		try {
			conversation = Conversation.of(this.layout, this.files, request.task(), this.clock);
		}
		catch (IOException ex) {
			return new Outcome.Failed("the task's conversation cannot be read: " + ProblemText.describe(ex));
		}
		List<ToolCallback> offered = List.copyOf(lent.values());
		TokenUsage used = null;
		try {
			// A previous attempt was cut off while these ran: they run now, before the model is asked again.
			run(request, conversation, conversation.unanswered(), lent);
			while (true) {
				List<Message> messages = new ArrayList<>();
				messages.add(new UserMessage(request.input()));
				messages.addAll(conversation.messages());
				ModelTurn turn = this.model.turn(question, messages, offered);
				used = (used != null) ? used.plus(turn.tokens()) : turn.tokens();
				if (!turn.callsTools()) {
					onPiece.accept(turn.message().getText());
					return new Outcome.Answered(turn.answer(used));
				}
				int asked = turn.message().getToolCalls().size();
				if (conversation.calls() + asked > this.maxToolCalls) {
					return new Outcome.GaveUp("the model asked for more than " + this.maxToolCalls
							+ " tool calls in this task's conversation (spool.max-tool-calls)", used);
				}
				conversation.asked(turn.message());
				this.events.publishEvent(new ConversationStepped(request.task()));
				run(request, conversation, turn.message().getToolCalls(), lent);
			}
		}
		catch (IOException ex) {
			return new Outcome.Failed("the task's conversation could not be written: " + ProblemText.describe(ex),
					null, used);
		}
	}

	private void run(Request request, Conversation conversation, List<AssistantMessage.ToolCall> calls,
			Map<String, ToolCallback> lent) throws IOException, InterruptedException {
		for (AssistantMessage.ToolCall call : calls) {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			conversation.answered(call, result(call, lent));
			this.events.publishEvent(new ConversationStepped(request.task()));
		}
	}

	/** What the model reads back for one call: the tool's result, or an error it can act on. */
	private static String result(AssistantMessage.ToolCall call, Map<String, ToolCallback> lent) {
		ToolCallback tool = lent.get(call.name());
		if (tool == null) {
			return error("there is no tool named '" + call.name() + "'; the tools are: "
					+ String.join(", ", lent.keySet()));
		}
		String result;
		try {
			result = (tool instanceof KeyedTool keyed) ? keyed.call(call.arguments(), call.id())
					: tool.call(call.arguments());
		}
		catch (RuntimeException ex) {
			return error("the tool " + call.name() + " failed: " + ProblemText.describe(ex));
		}
		if (result == null) {
			return "";
		}
		return (result.length() > MAX_RESULT_CHARS) ? result.substring(0, MAX_RESULT_CHARS)
				+ "\n[cut: the result was " + result.length() + " characters; only the first " + MAX_RESULT_CHARS
				+ " are shown]" : result;
	}

	private static String error(String message) {
		return JSON.writeValueAsString(Map.of("error", message));
	}

}
