package dev.spool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;

/**
 * What {@link ModelStub} answers to one request, written on the wire as FACTS.md says the chat completions API
 * writes it: one {@code chat.completion}, or, when the request asks for {@code "stream": true}, server-sent
 * {@code chat.completion.chunk} events ending in {@code data: [DONE]}, with token counts on the last chunk. A text
 * answer is streamed one chunk per piece; tool calls are streamed as {@code delta.tool_calls} chunks, each call's
 * arguments split across two chunks. Each completion and each tool call gets an id of its own.
 */
public final class ModelReply {

	private enum Breakage {

		NONE, CUT_OFF, ENDS_EARLY

	}

	private List<String> pieces = List.of();

	private List<ModelStub.ToolCall> toolCalls = List.of();

	private int[] usage;

	private String model;

	private Duration delay = Duration.ZERO;

	private Breakage breakage = Breakage.NONE;

	/** Bytes sent per period when throttled; 0 for as many as the first chunk holds. */
	private int throttleBytes = -1;

	private Duration throttlePeriod;

	private MockResponse raw;

	private ModelReply() {
	}

	/** An answer made of these pieces: a stream sends one chunk for each, a whole answer joins them. */
	public static ModelReply text(String... pieces) {
		ModelReply reply = new ModelReply();
		reply.pieces = List.of(pieces);
		return reply;
	}

	/**
	 * An assistant message that calls these tools, finishing with {@code "tool_calls"}; a call without an id gets one
	 * of its own, unlike any other.
	 */
	public static ModelReply toolCalls(ModelStub.ToolCall... calls) {
		ModelReply reply = new ModelReply();
		reply.toolCalls = List.of(calls);
		return reply;
	}

	/**
	 * The same tool calls, said after this text (an answer's text is given as it is): a stream sends one chunk for
	 * each piece before the calls' chunks, a whole answer carries the text beside its calls.
	 */
	public ModelReply saying(String... pieces) {
		ModelReply reply = copy();
		reply.pieces = List.of(pieces);
		return reply;
	}

	/** An HTTP error with the API's error body; {@code max-retries} decides whether the client tries again. */
	public static ModelReply error(int status, String message) {
		String type = (status == 429) ? "rate_limit_exceeded" : "server_error";
		return raw(new MockResponse().setResponseCode(status)
			.setHeader("Content-Type", "application/json")
			.setBody(ModelRequest.JSON.writeValueAsString(
					Map.of("error", Map.of("message", message, "type", type)))));
	}

	/** A request that is never answered: the connection stays open and silent. */
	public static ModelReply silence() {
		return raw(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
	}

	/** Exactly this response, for what the API would never send (a body that is not JSON, say). */
	public static ModelReply raw(MockResponse response) {
		ModelReply reply = new ModelReply();
		reply.raw = response;
		return reply;
	}

	/** The same answer with these token counts, on the completion or the stream's last chunk. */
	public ModelReply usage(int input, int output) {
		ModelReply reply = copy();
		reply.usage = new int[] { input, output };
		return reply;
	}

	/**
	 * The same answer, saying this model answered; by default the dated version of the model the request asked for
	 * ({@code gpt-x-0613} for {@code gpt-x}), as OpenAI answers.
	 */
	public ModelReply model(String name) {
		ModelReply reply = copy();
		reply.model = name;
		return reply;
	}

	/** The same answer, sent after this long: the request counts as in flight meanwhile. */
	public ModelReply after(Duration pause) {
		ModelReply reply = copy();
		reply.delay = pause;
		return reply;
	}

	/**
	 * The same answer streamed, breaking off: the server sends half of it, which ends inside a chunk after the first
	 * piece, and closes the connection.
	 */
	public ModelReply cutOff() {
		ModelReply reply = copy();
		reply.breakage = Breakage.CUT_OFF;
		return reply;
	}

	/**
	 * The same answer streamed, its body delimited by the connection's end rather than a length and stopping inside the
	 * third chunk: no finish reason, no {@code [DONE]}, nothing for HTTP to catch.
	 */
	public ModelReply endsEarly() {
		ModelReply reply = copy();
		reply.breakage = Breakage.ENDS_EARLY;
		return reply;
	}

	/** The same answer, its body sent this many bytes at a time, one lot per period. */
	public ModelReply throttled(int bytes, Duration period) {
		ModelReply reply = copy();
		reply.throttleBytes = bytes;
		reply.throttlePeriod = period;
		return reply;
	}

	/**
	 * The same answer streamed slowly: the bytes of its first chunk at once, then as many again every two seconds, so
	 * that a call with a short timeout ends with only the first pieces in hand.
	 */
	public ModelReply stallsAfterFirstChunk() {
		return throttled(0, Duration.ofSeconds(2));
	}

	/** The answer's text, pieces joined; empty for errors, raw responses and tool calls said without text. */
	public String text() {
		return String.join("", this.pieces);
	}

	Duration delay() {
		return this.delay;
	}

	MockResponse render(ModelRequest request) {
		if (this.raw != null) {
			return this.raw;
		}
		String model = (this.model != null) ? this.model : request.model() + "-0613";
		List<ModelStub.ToolCall> calls = new ArrayList<>();
		for (int i = 0; i < this.toolCalls.size(); i++) {
			calls.add(this.toolCalls.get(i).numbered(request.number(), i));
		}
		Wire wire = new Wire("chatcmpl-" + request.number(), model);
		if (!request.stream() && this.breakage == Breakage.NONE) {
			MockResponse whole = json(wire.completion(text(), calls, this.usage));
			return (this.throttleBytes > 0) ? whole.throttleBody(this.throttleBytes, this.throttlePeriod.toMillis(),
					TimeUnit.MILLISECONDS) : whole;
		}
		String events = wire.stream(this.pieces, calls, this.usage);
		MockResponse response = new MockResponse().setHeader("Content-Type", "text/event-stream")
			.setHeader("Cache-Control", "no-cache");
		if (this.throttleBytes >= 0) {
			int bytes = (this.throttleBytes > 0) ? this.throttleBytes : events.indexOf("\n\n") + 2;
			response.throttleBody(bytes, this.throttlePeriod.toMillis(), TimeUnit.MILLISECONDS);
		}
		return switch (this.breakage) {
			case NONE -> response.setBody(events);
			case CUT_OFF -> {
				String half = events.substring(0, events.length() / 2);
				if (!half.contains("\"content\":\"" + this.pieces.get(0) + "\"") || half.endsWith("\n\n")) {
					throw new IllegalStateException("a cut-off answer must break inside a chunk, after its first piece");
				}
				yield response.setBody(events).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY);
			}
			case ENDS_EARLY -> {
				int third = events.indexOf("data: ", events.indexOf("data: ", events.indexOf("data: ") + 1) + 1);
				yield response.setHeader("Connection", "close")
					.setBody(events.substring(0, third + 40))
					.removeHeader("Content-Length")
					.setSocketPolicy(SocketPolicy.DISCONNECT_AT_END);
			}
		};
	}

	private ModelReply copy() {
		ModelReply copy = new ModelReply();
		copy.pieces = this.pieces;
		copy.toolCalls = this.toolCalls;
		copy.usage = this.usage;
		copy.model = this.model;
		copy.delay = this.delay;
		copy.breakage = this.breakage;
		copy.throttleBytes = this.throttleBytes;
		copy.throttlePeriod = this.throttlePeriod;
		copy.raw = this.raw;
		return copy;
	}

	private static MockResponse json(Map<String, Object> body) {
		return new MockResponse().setHeader("Content-Type", "application/json")
			.setBody(ModelRequest.JSON.writeValueAsString(body));
	}

	/** The JSON of one answer, as a completion or as the events of a stream. */
	private record Wire(String id, String model) {

		Map<String, Object> completion(String content, List<ModelStub.ToolCall> calls, int[] usage) {
			Map<String, Object> message = new LinkedHashMap<>();
			message.put("role", "assistant");
			message.put("content", (calls.isEmpty() || !content.isEmpty()) ? content : null);
			if (!calls.isEmpty()) {
				message.put("tool_calls", calls.stream().map(ModelStub.ToolCall::wire).toList());
			}
			Map<String, Object> choice = new LinkedHashMap<>();
			choice.put("index", 0);
			choice.put("message", message);
			choice.put("finish_reason", calls.isEmpty() ? "stop" : "tool_calls");
			Map<String, Object> completion = envelope("chat.completion", List.of(choice));
			if (usage != null) {
				completion.put("usage", usage(usage));
			}
			return completion;
		}

		String stream(List<String> pieces, List<ModelStub.ToolCall> calls, int[] usage) {
			StringBuilder events = new StringBuilder();
			boolean first = true;
			for (String piece : pieces) {
				Map<String, Object> delta = new LinkedHashMap<>();
				if (first) {
					delta.put("role", "assistant");
					first = false;
				}
				delta.put("content", piece);
				event(events, chunk(delta, null));
			}
			for (int i = 0; i < calls.size(); i++) {
				ModelStub.ToolCall call = calls.get(i);
				int half = call.arguments().length() / 2;
				Map<String, Object> opening = new LinkedHashMap<>();
				opening.put("index", i);
				opening.put("id", call.id());
				opening.put("type", "function");
				opening.put("function", Map.of("name", call.name(), "arguments", call.arguments().substring(0, half)));
				Map<String, Object> delta = new LinkedHashMap<>();
				if (first) {
					delta.put("role", "assistant");
					first = false;
				}
				delta.put("tool_calls", List.of(opening));
				event(events, chunk(delta, null));
				Map<String, Object> rest = Map.of("index", i, "function",
						Map.of("arguments", call.arguments().substring(half)));
				event(events, chunk(Map.of("tool_calls", List.of(rest)), null));
			}
			event(events, chunk(Map.of(), calls.isEmpty() ? "stop" : "tool_calls"));
			if (usage != null) {
				Map<String, Object> last = envelope("chat.completion.chunk", List.of());
				last.put("usage", usage(usage));
				event(events, last);
			}
			return events.append("data: [DONE]\n\n").toString();
		}

		private Map<String, Object> chunk(Map<String, Object> delta, String finishReason) {
			Map<String, Object> choice = new LinkedHashMap<>();
			choice.put("index", 0);
			choice.put("delta", delta);
			choice.put("finish_reason", finishReason);
			return envelope("chat.completion.chunk", List.of(choice));
		}

		private Map<String, Object> envelope(String object, List<?> choices) {
			Map<String, Object> envelope = new LinkedHashMap<>();
			envelope.put("id", this.id);
			envelope.put("object", object);
			envelope.put("created", 1700000000);
			envelope.put("model", this.model);
			envelope.put("choices", choices);
			return envelope;
		}

		private static Map<String, Object> usage(int[] usage) {
			return Map.of("prompt_tokens", usage[0], "completion_tokens", usage[1], "total_tokens",
					usage[0] + usage[1]);
		}

		private static void event(StringBuilder events, Map<String, Object> data) {
			events.append("data: ").append(ModelRequest.JSON.writeValueAsString(data)).append("\n\n");
		}

	}

}
