package dev.spool;

import java.util.ArrayList;
import java.util.List;

import okhttp3.Headers;
import okhttp3.mockwebserver.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One request to the chat completions API as {@link ModelStub} received it: numbered in order of arrival, with the
 * messages of the conversation so far, tool results included.
 *
 * @param number 1 for the first request the stub received, 2 for the next, and so on
 * @param path the path asked for, {@code /v1/chat/completions} when the base URL ends in {@code /v1}
 * @param headers the request's HTTP headers
 * @param model the model asked for; a Spool process started with a model name of its own is known by it
 * @param stream whether the answer was asked for as a stream of chunks
 * @param messages the conversation sent, in order
 * @param tools the names of the tools offered to the model
 * @param body the whole request as sent
 * @param arrivedAt {@link System#nanoTime()} when it arrived
 */
public record ModelRequest(int number, String path, Headers headers, String model, boolean stream, List<Message> messages, List<String> tools,
		JsonNode body, long arrivedAt) {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static ModelRequest of(int number, RecordedRequest request) {
		JsonNode json = JSON.readTree(request.getBody().readUtf8());
		List<Message> messages = new ArrayList<>();
		json.path("messages").forEach((message) -> messages.add(Message.of(message)));
		List<String> tools = new ArrayList<>();
		json.path("tools").forEach((tool) -> tools.add(tool.path("function").path("name").asString()));
		return new ModelRequest(number, request.getPath(), request.getHeaders(), json.path("model").asString("?"), json.path("stream").asBoolean(false),
				List.copyOf(messages), List.copyOf(tools), json, System.nanoTime());
	}

	/** The text of the last user message: the task's prompt, for Spool's requests. Empty if there is none. */
	public String prompt() {
		return messagesFrom("user").stream().reduce((first, second) -> second).map(Message::text).orElse("");
	}

	/** The text of the system message, or null if none was sent. */
	public String system() {
		return messagesFrom("system").stream().findFirst().map(Message::text).orElse(null);
	}

	/** The messages with this role ({@code system}, {@code user}, {@code assistant}, {@code tool}), in order. */
	public List<Message> messagesFrom(String role) {
		return this.messages.stream().filter((message) -> message.role().equals(role)).toList();
	}

	/**
	 * One message of the conversation.
	 *
	 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
	 * @param text its text, whether sent as a string or as a list of text parts; empty when it has none
	 * @param toolCallId for a {@code tool} message, the call it answers
	 * @param toolCalls for an {@code assistant} message, the tools it called
	 */
	public record Message(String role, String text, String toolCallId, List<ModelStub.ToolCall> toolCalls) {

		static Message of(JsonNode message) {
			JsonNode content = message.path("content");
			StringBuilder text = new StringBuilder();
			if (content.isArray()) {
				content.forEach((part) -> text.append(part.path("text").asString("")));
			}
			else {
				text.append(content.asString(""));
			}
			List<ModelStub.ToolCall> calls = new ArrayList<>();
			message.path("tool_calls")
				.forEach((call) -> calls.add(new ModelStub.ToolCall(call.path("id").asString(),
						call.path("function").path("name").asString(),
						call.path("function").path("arguments").asString())));
			String toolCallId = message.path("tool_call_id").isMissingNode() ? null
					: message.path("tool_call_id").asString();
			return new Message(message.path("role").asString(""), text.toString(), toolCallId, List.copyOf(calls));
		}

	}

}
