package dev.spool.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;

import dev.spool.workspace.AtomicFiles;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceLayout;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A task's conversation with a model that uses tools, kept in {@code .spool/conversations/<task id>.jsonl}: one JSON
 * line per step, the file replaced whole (and flushed, as the workspace's files are) at each step before the step's
 * effect is relied on. The model's turn asking for tool calls is
 * recorded before any of them runs, and each call's result as it comes, so that an attempt cut off at any moment
 * (a timeout, a crash, a kill) is resumed by the next one where it stopped: the calls already answered are not run
 * again, and the model is sent the conversation as it was, never restarted from scratch. A call that waits for other
 * tasks ({@link WaitingTool}) is followed by a line naming them ({@code "role": "wait"}) before the task is put aside;
 * it is what the task waits for until that call has its result.
 */
final class Conversation {

	/** The largest conversation file read back: beyond it the task's attempts fail rather than read it. */
	static final int MAX_BYTES = 16 * 1024 * 1024;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path file;

	private final Clock clock;

	private final List<Message> messages = new ArrayList<>();

	/** Calls the last recorded turn asked for that have no result yet, by id. */
	private final Map<String, AssistantMessage.ToolCall> unanswered = new LinkedHashMap<>();

	private int calls;

	/** The call the conversation waits on, while it has no result, and the tasks it waits for. */
	private String waitingCall;

	private Set<TaskId> waitingFor = Set.of();
	/** The same steps as {@link #messages}, each call beside its result and with the times recorded. */
	private final List<ConversationTurn> turns = new ArrayList<>();

	private final AtomicFiles files;

	/** The file as written so far. */
	private String text = "";

	private Conversation(Path file, AtomicFiles files, Clock clock) {
		this.file = file;
		this.files = files;
		this.clock = clock;
	}

	static Path folder(WorkspaceLayout layout) {
		return layout.root().resolve(".spool").resolve("conversations");
	}

	/**
	 * The task's conversation so far, read back from its file (anyone who may write the folder may have put it there,
	 * so it is read as a shared file), or a new one.
	 * @throws IOException if the file cannot be read, or is not a conversation Spool wrote
	 */
	static Conversation of(WorkspaceLayout layout, AtomicFiles files, TaskId task, Clock clock) throws IOException {
		return existing(layout, files, task, clock)
			.orElseGet(() -> new Conversation(file(layout, task), files, clock));
	}

	/**
	 * The task's conversation read back from its file, as {@link #of} does, or empty when it has none.
	 * @throws IOException if the file cannot be read, or is not a conversation Spool wrote
	 */
	static Optional<Conversation> existing(WorkspaceLayout layout, AtomicFiles files, TaskId task, Clock clock)
			throws IOException {
		Conversation conversation = new Conversation(file(layout, task), files, clock);
		byte[] bytes;
		try {
			bytes = SharedFile.readRegular(conversation.file, MAX_BYTES + 1);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		if (bytes.length > MAX_BYTES) {
			throw new IOException(conversation.file + " is larger than " + MAX_BYTES + " bytes");
		}
		String text = new String(bytes, StandardCharsets.UTF_8);
		String[] lines = text.split("\n");
		for (int i = 0; i < lines.length; i++) {
			if (lines[i].isBlank()) {
				continue;
			}
			try {
				conversation.replay(JSON.readTree(lines[i]));
			}
			catch (JacksonException | IllegalArgumentException ex) {
				// Spool replaces the file whole, so a crash leaves no cut line: someone else wrote this.
				throw new IOException(conversation.file + ", line " + (i + 1) + ", is not what Spool writes: "
						+ ex.getMessage());
			}
		}
		conversation.text = (text.isEmpty() || text.endsWith("\n")) ? text : text + "\n";
		return Optional.of(conversation);
	}

	private static Path file(WorkspaceLayout layout, TaskId task) {
		return folder(layout).resolve(task.text() + ".jsonl");
	}

	/**
	 * The tasks a task's conversation waits for, read from its file, without writing anything.
	 * @throws IOException if the file cannot be read, or is not a conversation Spool wrote
	 */
	static Set<TaskId> waitsFor(WorkspaceLayout layout, TaskId task) throws IOException {
		return of(layout, null, task, null).waitsFor();
	}

	/** The messages so far, after the task's own prompt, as the model is sent them. */
	List<Message> messages() {
		return List.copyOf(this.messages);
	}

	/** Tool calls asked for and not yet answered: a previous attempt was cut off while they ran. */
	List<AssistantMessage.ToolCall> unanswered() {
		return List.copyOf(this.unanswered.values());
	}

	/** The conversation turn by turn, each call with its result once it has one, for people to read. */
	List<ConversationTurn> turns() {
		return List.copyOf(this.turns);
	}

	/** How many tool calls the model asked for in this conversation, across its attempts. */
	int calls() {
		return this.calls;
	}

	/** Records the model's turn asking for tool calls, before any of them runs. */
	void asked(AssistantMessage turn) throws IOException {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("at", this.clock.instant().toString());
		line.put("role", "assistant");
		line.put("text", turn.getText());
		line.put("tool_calls", turn.getToolCalls()
			.stream()
			.map((call) -> Map.of("id", call.id(), "name", call.name(), "arguments", call.arguments()))
			.toList());
		append(line);
		replay(JSON.valueToTree(line));
	}

	/** What this conversation waits for: the tasks its last wait named, while that call has no result; else none. */
	Set<TaskId> waitsFor() {
		return this.waitingFor;
	}

	/** Records that a call waits for these tasks, before the task is put aside until they have ended. */
	void waits(AssistantMessage.ToolCall call, Set<TaskId> tasks) throws IOException {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("at", this.clock.instant().toString());
		line.put("role", "wait");
		line.put("id", call.id());
		line.put("for", tasks.stream().map(TaskId::text).sorted().toList());
		append(line);
		replay(JSON.valueToTree(line));
	}

	/** Records a call's result, which the model is sent once every call of its turn has one. */
	void answered(AssistantMessage.ToolCall call, String result) throws IOException {
		Map<String, Object> line = new LinkedHashMap<>();
		line.put("at", this.clock.instant().toString());
		line.put("role", "tool");
		line.put("id", call.id());
		line.put("name", call.name());
		line.put("content", result);
		append(line);
		replay(JSON.valueToTree(line));
	}

	private void replay(JsonNode line) {
		String role = line.path("role").asString("");
		if (role.equals("assistant")) {
			List<AssistantMessage.ToolCall> asked = new ArrayList<>();
			for (JsonNode call : line.path("tool_calls")) {
				asked.add(new AssistantMessage.ToolCall(text(call, "id"), "function", text(call, "name"),
						text(call, "arguments")));
			}
			if (asked.isEmpty()) {
				throw new IllegalArgumentException("a turn recorded without tool calls");
			}
			this.messages.add(AssistantMessage.builder().content(line.path("text").asString("")).toolCalls(asked).build());
			this.turns.add(new ConversationTurn(instant(line), line.path("text").asString(""), asked.stream()
				.map((call) -> new ConversationCall(call.id(), call.name(), call.arguments(), null, null))
				.toList()));
			this.unanswered.clear();
			asked.forEach((call) -> this.unanswered.put(call.id(), call));
			this.calls += asked.size();
			stopWaiting();
		}
		else if (role.equals("wait")) {
			String id = text(line, "id");
			if (!this.unanswered.containsKey(id)) {
				throw new IllegalArgumentException("a wait for " + id + ", which is not a call without a result");
			}
			Set<TaskId> tasks = new LinkedHashSet<>();
			for (JsonNode task : line.path("for")) {
				tasks.add(TaskId.parse(task.asString("")).orElseThrow(
						() -> new IllegalArgumentException("a wait for '" + task.asString("") + "', which is no task id")));
			}
			this.waitingCall = id;
			this.waitingFor = Set.copyOf(tasks);
		}
		else if (role.equals("tool")) {
			AssistantMessage.ToolCall call = this.unanswered.remove(text(line, "id"));
			if (call == null) {
				throw new IllegalArgumentException("a result for " + text(line, "id") + ", which was not asked for");
			}
			if (call.id().equals(this.waitingCall)) {
				stopWaiting();
			}
			ToolResponseMessage.ToolResponse response = new ToolResponseMessage.ToolResponse(call.id(), call.name(),
					text(line, "content"));
			// Unanswered calls are the last turn's: a new turn forgets those of the one before.
			int latest = this.turns.size() - 1;
			this.turns.set(latest, this.turns.get(latest).answered(call.id(), instant(line), response.responseData()));
			Message last = this.messages.get(this.messages.size() - 1);
			if (last instanceof ToolResponseMessage results) {
				List<ToolResponseMessage.ToolResponse> all = new ArrayList<>(results.getResponses());
				all.add(response);
				this.messages.set(this.messages.size() - 1, ToolResponseMessage.builder().responses(all).build());
			}
			else {
				this.messages.add(ToolResponseMessage.builder().responses(List.of(response)).build());
			}
		}
		else {
			throw new IllegalArgumentException("a line with role '" + role + "'");
		}
	}

	private void stopWaiting() {
		this.waitingCall = null;
		this.waitingFor = Set.of();
	}

	/** When a line was recorded; null where the file does not say, which matters to no one resuming it. */
	private static Instant instant(JsonNode line) {
		try {
			return Instant.parse(line.path("at").asString(""));
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.path(field);
		if (!value.isString()) {
			throw new IllegalArgumentException("'" + field + "' is missing or not a string");
		}
		return value.asString();
	}

	/**
	 * Adds a line by writing the whole file anew and renaming it into place: whatever anyone put at the name (a link,
	 * a pipe) is replaced, never written through, and a crash leaves the old file or the new one.
	 */
	private void append(Map<String, Object> line) throws IOException {
		Files.createDirectories(this.file.getParent());
		String next = this.text + JSON.writeValueAsString(line) + "\n";
		this.files.replace(this.file, next.getBytes(StandardCharsets.UTF_8));
		this.text = next;
	}

}
