package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

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
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;
import dev.spool.workspace.WorkspaceLayout;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task worked as a conversation Spool drives itself, turn by turn, so that every step is a file
 * ({@link Conversation}): the model asks for tool calls, Spool records them, runs them, records each result and sends
 * them back, until the model answers. A tool that fails, a tool that does not exist, or arguments that are not what
 * the tool takes give the model an error to read, not a failed attempt. A call that must wait for other tasks
 * ({@link WaitingTool}) ends the attempt instead: the wait is recorded and the task put aside
 * ({@link Outcome.Waiting}), and the attempt that resumes the conversation once they have ended answers the call.
 * Model agents lent tools work this way, and so does the orchestrator with a goal.
 */
public final class ToolConversations {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The most characters of one tool's result sent to the model; beyond it the result is cut, saying so. */
	static final int MAX_RESULT_CHARS = 64 * 1024;

	private final ModelGateway model;

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final Clock clock;

	private final int maxToolCalls;

	private final ApplicationEventPublisher events;

	/**
	 * @param maxToolCalls the most tool calls one task's conversation may ask for, across its attempts
	 * @param events told of each step recorded ({@link ConversationStepped}), for pages that show it live
	 */
	ToolConversations(ModelGateway model, WorkspaceLayout layout, AtomicFiles files, Clock clock, int maxToolCalls,
			ApplicationEventPublisher events) {
		this.model = model;
		this.layout = layout;
		this.files = files;
		this.clock = clock;
		this.maxToolCalls = maxToolCalls;
		this.events = events;
	}

	/**
	 * Works a task as a conversation with these tools, resumed from its file if it has one.
	 * @param task the task whose conversation this is
	 * @param question the system prompt, model and temperature; its user prompt is not used
	 * @param input what the model is asked first, before every recorded turn
	 * @param tools what the model may call; the first of two with one name is offered
	 * @param onPiece what the model writes besides its tool calls, as it comes
	 */
	public Outcome converse(TaskId task, ModelRequest question, String input, List<ToolCallback> tools,
			Consumer<String> onPiece) throws InterruptedException {
		Map<String, ToolCallback> lent = new LinkedHashMap<>();
		tools.forEach((tool) -> lent.putIfAbsent(tool.getToolDefinition().name(), tool));
		try {
			return converse(task, question, input, lent, onPiece);
		}
		catch (RuntimeException ex) {
			return new Outcome.Failed(ModelErrors.describe(ex), ModelErrors.retryAfter(ex), null);
		}
	}

	/**
	 * A turn's tokens estimated from the characters sent and received, for a model that does not report them (some
	 * servers send no usage in a stream): what a conversation spends is counted either way.
	 */
	private static TokenUsage estimate(ModelRequest question, List<Message> messages, ModelTurn turn) {
		long sent = (question.systemPrompt() != null) ? question.systemPrompt().length() : 0;
		for (Message message : messages) {
			sent += (message.getText() != null) ? message.getText().length() : 0;
		}
		String text = turn.message().getText();
		long received = (text != null) ? text.length() : 0;
		for (AssistantMessage.ToolCall call : turn.message().getToolCalls()) {
			received += call.name().length() + ((call.arguments() != null) ? call.arguments().length() : 0);
		}
		return TokenUsage.estimate(sent, received);
	}

	/** Whether the task has a conversation recorded: a turn of its model's asked for tool calls. */
	public boolean exists(TaskId task) {
		return Files.exists(Conversation.folder(this.layout).resolve(task.text() + ".jsonl"), LinkOption.NOFOLLOW_LINKS);
	}

	private Outcome converse(TaskId task, ModelRequest question, String input, Map<String, ToolCallback> lent,
			Consumer<String> onPiece) throws InterruptedException {
		Conversation conversation;
		try {
			conversation = Conversation.of(this.layout, this.files, task, this.clock);
		}
		catch (IOException ex) {
			return new Outcome.Failed("the task's conversation cannot be read: " + ProblemText.describe(ex));
		}
		List<ToolCallback> offered = List.copyOf(lent.values());
		TokenUsage used = null;
		TurnPieces turns = new TurnPieces(onPiece);
		try {
			// A previous attempt was cut off while these ran, or put the task aside until it could answer them: they
			// run now, before the model is asked again.
			Set<TaskId> waits = run(task, conversation, conversation.unanswered(), lent);
			if (!waits.isEmpty()) {
				return new Outcome.Waiting(waits, null);
			}
			while (true) {
				List<Message> messages = new ArrayList<>();
				messages.add(new UserMessage(input));
				messages.addAll(conversation.messages());
				ModelTurn turn = this.model.turn(question, messages, offered, turns.next());
				TokenUsage spent = (turn.tokens() != null) ? turn.tokens() : estimate(question, messages, turn);
				used = (used != null) ? used.plus(spent) : spent;
				if (!turn.callsTools()) {
					return new Outcome.Answered(turn.answer(used));
				}
				int asked = turn.message().getToolCalls().size();
				if (conversation.calls() + asked > this.maxToolCalls) {
					return new Outcome.GaveUp("the model asked for more than " + this.maxToolCalls
							+ " tool calls in this task's conversation (spool.max-tool-calls)", used);
				}
				conversation.asked(turn.message());
				this.events.publishEvent(new ConversationStepped(task));
				waits = run(task, conversation, turn.message().getToolCalls(), lent);
				if (!waits.isEmpty()) {
					return new Outcome.Waiting(waits, used);
				}
			}
		}
		catch (IOException ex) {
			return new Outcome.Failed("the task's conversation could not be written: " + ProblemText.describe(ex),
					null, used);
		}
		catch (RuntimeException ex) {
			// What the turns before the failed call used is spent all the same.
			return new Outcome.Failed(ModelErrors.describe(ex), ModelErrors.retryAfter(ex), used);
		}
	}

	/**
	 * Runs the calls in order and records each result, up to the first that must wait for other tasks: that wait is
	 * recorded, for the tasks that call and the turn's later ones wait for, so one resumption answers them all.
	 * @return the tasks to wait for before the rest can run; empty when every call was answered
	 */
	private Set<TaskId> run(TaskId task, Conversation conversation, List<AssistantMessage.ToolCall> calls,
			Map<String, ToolCallback> lent) throws IOException, InterruptedException {
		for (int i = 0; i < calls.size(); i++) {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			AssistantMessage.ToolCall call = calls.get(i);
			Set<TaskId> unfinished = unfinished(call, lent);
			if (!unfinished.isEmpty()) {
				Set<TaskId> waits = new LinkedHashSet<>(unfinished);
				calls.subList(i + 1, calls.size()).forEach((later) -> waits.addAll(unfinished(later, lent)));
				conversation.waits(call, waits);
				this.events.publishEvent(new ConversationStepped(task));
				return waits;
			}
			conversation.answered(call, result(call, lent));
			this.events.publishEvent(new ConversationStepped(task));
		}
		return Set.of();
	}

	/** The tasks a call waits for that have not ended; none for a call that can be answered now. */
	private static Set<TaskId> unfinished(AssistantMessage.ToolCall call, Map<String, ToolCallback> lent) {
		if (lent.get(call.name()) instanceof WaitingTool waiting) {
			try {
				return waiting.unfinished(call.arguments());
			}
			catch (RuntimeException ex) {
				// It cannot wait: run, the call says why.
				return Set.of();
			}
		}
		return Set.of();
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
