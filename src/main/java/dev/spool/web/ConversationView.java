package dev.spool.web;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.spool.agent.ConversationCall;
import dev.spool.agent.ConversationTurn;
import dev.spool.agent.TaskConversations;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's conversation with a model that uses tools as its page shows it: the latest turns, each call's arguments
 * laid out and its result, both shortened (the API has them whole), and what a call without a result is doing.
 *
 * @param turns the turns shown, oldest first
 * @param earlier how many turns before them are not shown
 * @param calls how many tool calls the model asked for in all
 * @param unreadable why the file cannot be shown, or null
 */
record ConversationView(List<Turn> turns, int earlier, int calls, String unreadable) {

	/** The most characters of a call's arguments or result shown on the page. */
	static final int MAX_CHARS = 2000;

	/** The most turns shown on the page, the latest; a conversation Spool writes has far fewer. */
	static final int MAX_TURNS = 100;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The tool whose call, until it has its result, means the task waits for the tasks it names. */
	private static final String WAIT_TASK = "wait_task";

	/** The task's conversation, or null when it has none. */
	static ConversationView of(Task task, TaskConversations conversations) {
		Optional<List<ConversationTurn>> read;
		try {
			read = conversations.turns(task.id());
		}
		catch (IOException ex) {
			return new ConversationView(List.of(), 0, 0, ProblemText.describe(ex));
		}
		if (read.isEmpty()) {
			return null;
		}
		List<ConversationTurn> all = read.get();
		int earlier = Math.max(0, all.size() - MAX_TURNS);
		List<Turn> shown = all.subList(earlier, all.size())
			.stream()
			.map((turn) -> new Turn(turn.at(), turn.text(),
					turn.calls().stream().map((call) -> Call.of(call, task.state())).toList()))
			.toList();
		return new ConversationView(shown, earlier,
				all.stream().mapToInt((turn) -> turn.calls().size()).sum(), null);
	}

	/**
	 * One turn of the model's.
	 *
	 * @param at when it was recorded, or null
	 * @param text what the model said with its calls, often empty
	 * @param calls the calls it asked for
	 */
	record Turn(Instant at, String text, List<Call> calls) {
	}

	/**
	 * One tool call as shown.
	 *
	 * @param name the tool
	 * @param arguments its arguments, laid out when they are JSON, shortened
	 * @param result the result, laid out when it is JSON, shortened; null without one
	 * @param resultLength the whole result's length in characters
	 * @param answeredAt when the result was recorded, or null
	 * @param pending what a call without a result is doing ({@code running}, ...), or null with one
	 * @param waitingFor the tasks an unanswered {@code wait_task} call waits for
	 */
	record Call(String name, Shortened arguments, Shortened result, Instant answeredAt, String pending,
			List<String> waitingFor) {

		static Call of(ConversationCall call, TaskState state) {
			Shortened result = call.answered() ? Shortened.of(laidOut(call.result())) : null;
			List<String> waitingFor = (!call.answered() && !state.isFinished() && WAIT_TASK.equals(call.name()))
					? taskIds(call.arguments()) : List.of();
			return new Call(call.name(), Shortened.of(laidOut(call.arguments())), result, call.answeredAt(),
					call.answered() ? null : pending(state, waitingFor), waitingFor);
		}

		private static String pending(TaskState state, List<String> waitingFor) {
			if (!waitingFor.isEmpty()) {
				return "waiting for";
			}
			if (state == TaskState.IN_PROGRESS) {
				return "running";
			}
			return state.isFinished() ? "no result: the attempt ended before the call came back"
					: "no result yet: it runs again when an agent takes the task up";
		}

	}

	/**
	 * A text as the page shows it: whole, or its start and how long it is.
	 *
	 * @param text what is shown
	 * @param length the whole text's length in characters
	 */
	record Shortened(String text, int length) {

		static Shortened of(String whole) {
			if (whole.length() <= MAX_CHARS) {
				return new Shortened(whole, whole.length());
			}
			int end = Character.isHighSurrogate(whole.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
			return new Shortened(whole.substring(0, end) + "…", whole.length());
		}

		/** Whether only the start is shown. */
		public boolean cut() {
			return this.text.length() != this.length;
		}

		/** How long the whole text is, for people: {@code 12,345 characters}. */
		public String lengthText() {
			return String.format(Locale.ROOT, "%,d characters", this.length);
		}

	}

	/** JSON arguments laid out on several lines; anything else as the model wrote it. */
	private static String laidOut(String arguments) {
		try {
			JsonNode tree = JSON.readTree(arguments);
			return (tree == null || tree.isMissingNode()) ? arguments
					: JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
		}
		catch (JacksonException ex) {
			return arguments;
		}
	}

	/** The task ids named anywhere in a call's arguments, such as {@code {"id": "task_009"}}. */
	private static List<String> taskIds(String arguments) {
		Set<String> ids = new LinkedHashSet<>();
		try {
			collect(JSON.readTree(arguments), ids);
		}
		catch (JacksonException ex) {
			// Arguments that are not JSON name no task.
		}
		return new ArrayList<>(ids);
	}

	private static void collect(JsonNode node, Set<String> ids) {
		if (node == null || ids.size() >= 20) {
			return;
		}
		if (node.isString()) {
			TaskId.parse(node.asString()).ifPresent((id) -> ids.add(id.text()));
		}
		else if (node.isContainer()) {
			for (JsonNode child : node) {
				collect(child, ids);
			}
		}
	}

}
