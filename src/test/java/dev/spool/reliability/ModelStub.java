package dev.spool.reliability;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ChatCompletions;

/**
 * An OpenAI-compatible chat endpoint that answers every request after a random pause, so that a process killed at a
 * random moment is often in the middle of a call. Every answer is different: it numbers the call and names the prompt
 * it answers ({@code answer 17 to <prompt>}), so an output can be traced to the one call that produced it, and an
 * output replaced by a later attempt's answer shows. Each Spool process is started with its own model name, which the
 * requests carry and the answers give back, so the stub can tell which process is waiting for an answer.
 */
final class ModelStub extends Dispatcher {

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Keeps MockWebServer quiet about the connections of killed processes. */
	private static final Logger SERVER_LOGGER = Logger.getLogger(MockWebServer.class.getName());

	private final MockWebServer server = new MockWebServer();

	private final int minDelayMillis;

	private final int maxDelayMillis;

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final AtomicInteger numbers = new AtomicInteger();

	private final BiFunction<Integer, String, String> script;

	private ModelStub(int minDelayMillis, int maxDelayMillis, BiFunction<Integer, String, String> script) {
		this.minDelayMillis = minDelayMillis;
		this.maxDelayMillis = maxDelayMillis;
		this.script = script;
	}

	static ModelStub start(int minDelayMillis, int maxDelayMillis) throws IOException {
		return start(minDelayMillis, maxDelayMillis, (number, prompt) -> null);
	}

	/**
	 * A stub whose answers a script may choose: given the call's number and the prompt, it returns the answer, or null
	 * for the usual {@code answer N to <prompt>}. A scripted answer should carry the number too, to stay unique.
	 */
	static ModelStub start(int minDelayMillis, int maxDelayMillis, BiFunction<Integer, String, String> script)
			throws IOException {
		SERVER_LOGGER.setLevel(Level.WARNING);
		ModelStub stub = new ModelStub(minDelayMillis, maxDelayMillis, script);
		stub.server.setDispatcher(stub);
		stub.server.start();
		return stub;
	}

	/** The base URL to give Spool: the client appends {@code /chat/completions}. */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getPort() + "/v1";
	}

	/** Every answer given to a prompt, in the order the calls arrived. */
	List<String> answersTo(String prompt) {
		return this.calls.stream().filter((call) -> call.prompt().equals(prompt)).map(Call::answer).toList();
	}

	/** The call that got this answer, if any did. */
	Optional<Call> callThatGot(String answer) {
		return this.calls.stream().filter((call) -> call.answer().equals(answer)).findFirst();
	}

	/** Calls the process with this model name has sent and not yet been answered. */
	int inFlight(String model) {
		AtomicInteger count = this.inFlight.get(model);
		return (count != null) ? count.get() : 0;
	}

	/** How many calls the process with this model name has sent. */
	long callsFrom(String model) {
		return this.calls.stream().filter((call) -> call.model().equals(model)).count();
	}

	/** Every request received, in order of arrival. */
	List<Call> calls() {
		return List.copyOf(this.calls);
	}

	void stop() {
		try {
			this.server.shutdown();
		}
		catch (IOException ex) {
			// Shutting down after a test; nothing to do.
		}
	}

	@Override
	public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
		JsonNode body;
		try {
			body = JSON.readTree(request.getBody().readUtf8());
		}
		catch (RuntimeException ex) {
			return error(400, "unreadable request: " + ex.getMessage());
		}
		String model = body.path("model").asString("?");
		String prompt = userPrompt(body.path("messages"));
		boolean stream = body.path("stream").asBoolean(false);
		AtomicInteger count = this.inFlight.computeIfAbsent(model, (key) -> new AtomicInteger());
		count.incrementAndGet();
		try {
			int number = this.numbers.incrementAndGet();
			String scripted = this.script.apply(number, prompt);
			String answer = (scripted != null) ? scripted : "answer " + number + " to " + prompt;
			this.calls.add(new Call(model, prompt, stream, answer));
			Thread.sleep(ThreadLocalRandom.current().nextInt(this.minDelayMillis, this.maxDelayMillis + 1));
			return stream ? streamed(model, answer) : whole(model, answer);
		}
		finally {
			count.decrementAndGet();
		}
	}

	/** The text of the last user message; its content is a string or a list of parts. */
	private static String userPrompt(JsonNode messages) {
		String prompt = "";
		for (JsonNode message : messages) {
			if (!"user".equals(message.path("role").asString(""))) {
				continue;
			}
			JsonNode content = message.path("content");
			if (content.isString()) {
				prompt = content.asString();
			}
			else {
				StringBuilder text = new StringBuilder();
				for (JsonNode part : content) {
					text.append(part.path("text").asString(""));
				}
				prompt = text.toString();
			}
		}
		return prompt;
	}

	private static MockResponse whole(String model, String content) {
		Map<String, Object> completion = completion(model, "chat.completion", Map.of("index", 0, "message",
				Map.of("role", "assistant", "content", content), "finish_reason", "stop"));
		return new MockResponse().setHeader("Content-Type", "application/json")
			.setBody(JSON.writeValueAsString(completion));
	}

	private static MockResponse streamed(String model, String content) {
		return ChatCompletions.streamed(model, content, null);
	}

	private static Map<String, Object> completion(String model, String object, Map<String, Object> choice) {
		return ChatCompletions.completion(model, object, choice);
	}

	private static MockResponse error(int status, String message) {
		return new MockResponse().setResponseCode(status)
			.setHeader("Content-Type", "application/json")
			.setBody(JSON.writeValueAsString(Map.of("error", Map.of("message", message))));
	}

	/**
	 * One request the stub received.
	 *
	 * @param model the model name, which names the Spool process that sent it
	 * @param prompt the task's prompt
	 * @param stream whether the answer was asked for as a stream
	 * @param answer the answer given, unlike any other
	 */
	record Call(String model, String prompt, boolean stream, String answer) {
	}

}
