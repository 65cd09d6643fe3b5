package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for the OpenAI chat completions API whose answers the dashboard tests steer through the prompt text:
 * <ul>
 * <li>{@value #FAIL} answers HTTP 500 while {@link #failing()} is set, and a normal answer otherwise, either after
 * {@link #FAIL_DELAY_MILLIS} ms so that a page opened just before sees the change happen;</li>
 * <li>{@value #XSS} answers with a {@code <script>}, an {@code <img onerror>} and a {@code javascript:} link;</li>
 * <li>{@value #SLOW} answers after {@link #SLOW_DELAY_MILLIS} ms, so the task is visibly in progress;</li>
 * <li>anything else answers {@value #ANSWER}.</li>
 * </ul>
 * It answers a streaming request ({@code "stream": true}) with server-sent chunks and any other with one JSON
 * completion, so it serves the agents whichever way they call the model.
 */
final class DashboardModelStub extends Dispatcher {

	static final String FAIL = "PLEASE FAIL";

	static final String XSS = "XSS";

	static final String SLOW = "SLOW";

	static final long SLOW_DELAY_MILLIS = 3000;

	static final long FAIL_DELAY_MILLIS = 1500;

	static final String ANSWER = "# Answer\n\nAll **good**.";

	static final String XSS_ANSWER = "# Unsafe\n\nHere: <script>window.pwned=1</script> and "
			+ "<img src=x onerror=\"window.pwned=1\"> and [a link](javascript:window.pwned=1).";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final MockWebServer server = new MockWebServer();

	private final AtomicBoolean failing = new AtomicBoolean(true);

	/** Starts the stub on a free local port. */
	static DashboardModelStub start() {
		DashboardModelStub stub = new DashboardModelStub();
		stub.server.setDispatcher(stub);
		try {
			stub.server.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return stub;
	}

	/** The base URL to give {@code spring.ai.openai.base-url}: ends in {@code /v1}. */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort() + "/v1";
	}

	/** Whether {@value #FAIL} prompts get HTTP 500 (the default) or a normal answer. */
	AtomicBoolean failing() {
		return this.failing;
	}

	void stop() {
		try {
			this.server.shutdown();
		}
		catch (IOException ex) {
			// Closing a stub: nothing left to do.
		}
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) {
		if (!"POST".equals(request.getMethod()) || !request.getPath().endsWith("/chat/completions")) {
			return error(404, "the stub only knows POST /v1/chat/completions");
		}
		JsonNode body = JSON.readTree(request.getBody().readUtf8());
		String prompt = userText(body);
		boolean stream = body.path("stream").asBoolean(false);
		String line = prompt.strip().lines().findFirst().orElse("");
		if (prompt.contains(FAIL)) {
			boolean fail = this.failing.get();
			log(line, stream, (fail ? "HTTP 500" : "answer") + " in " + FAIL_DELAY_MILLIS + " ms");
			MockResponse response = fail ? error(500, "the model crashed on purpose") : answer(ANSWER, stream);
			return response.setHeadersDelay(FAIL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
		MockResponse response = prompt.contains(XSS) ? answer(XSS_ANSWER, stream) : answer(ANSWER, stream);
		if (prompt.contains(SLOW)) {
			log(line, stream, "answer in " + SLOW_DELAY_MILLIS + " ms");
			return response.setHeadersDelay(SLOW_DELAY_MILLIS, TimeUnit.MILLISECONDS);
		}
		log(line, stream, "answer");
		return response;
	}

	private static void log(String prompt, boolean stream, String outcome) {
		System.out.println("[model stub] " + java.time.LocalTime.now() + " " + (stream ? "streaming" : "blocking")
				+ " request for \"" + prompt + "\": " + outcome);
	}

	/** The text of the user messages; content may be a string or a list of parts. */
	private static String userText(JsonNode body) {
		StringBuilder text = new StringBuilder();
		for (JsonNode message : body.path("messages")) {
			if (!"user".equals(message.path("role").asString(""))) {
				continue;
			}
			JsonNode content = message.path("content");
			if (content.isArray()) {
				content.forEach((part) -> text.append(part.path("text").asString("")).append('\n'));
			}
			else {
				text.append(content.asString("")).append('\n');
			}
		}
		return text.toString();
	}

	private static MockResponse answer(String content, boolean stream) {
		if (!stream) {
			var completion = JSON.createObjectNode()
				.put("id", "x")
				.put("object", "chat.completion")
				.put("created", 1)
				.put("model", "m");
			var choice = completion.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
			choice.putObject("message").put("role", "assistant").put("content", content);
			return new MockResponse().setHeader("Content-Type", "application/json").setBody(completion.toString());
		}
		StringBuilder events = new StringBuilder();
		for (String word : words(content)) {
			events.append(chunk(word, null));
		}
		events.append(chunk("", "stop")).append("data: [DONE]\n\n");
		return new MockResponse().setHeader("Content-Type", "text/event-stream")
			.setHeader("Cache-Control", "no-cache")
			.setBody(events.toString());
	}

	/** The content cut after each space or newline, so the pieces join back to exactly the content. */
	private static List<String> words(String content) {
		List<String> words = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < content.length(); i++) {
			char c = content.charAt(i);
			if (c == ' ' || c == '\n') {
				words.add(content.substring(start, i + 1));
				start = i + 1;
			}
		}
		if (start < content.length()) {
			words.add(content.substring(start));
		}
		return words;
	}

	private static String chunk(String text, String finishReason) {
		var chunk = JSON.createObjectNode()
			.put("id", "x")
			.put("object", "chat.completion.chunk")
			.put("created", 1)
			.put("model", "m");
		var choice = chunk.putArray("choices").addObject().put("index", 0);
		var delta = choice.putObject("delta");
		if (!text.isEmpty()) {
			delta.put("content", text);
		}
		if (finishReason != null) {
			choice.put("finish_reason", finishReason);
		}
		else {
			choice.putNull("finish_reason");
		}
		return "data: " + chunk + "\n\n";
	}

	private static MockResponse error(int status, String message) {
		var error = JSON.createObjectNode();
		error.putObject("error").put("message", message).put("type", "server_error");
		return new MockResponse().setResponseCode(status)
			.setHeader("Content-Type", "application/json")
			.setBody(error.toString());
	}

}
