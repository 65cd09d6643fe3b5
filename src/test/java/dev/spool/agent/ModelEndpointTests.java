package dev.spool.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TokenUsage;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spool against an OpenAI-compatible endpoint played by a {@link MockWebServer}: what a person sees (the task's
 * state, output, attempts and recorded errors) and what the endpoint receives, when it answers, fails, rate-limits
 * or hangs. Each nested class is one running Spool with its own endpoint, workspace and settings, closed after it.
 * The workspace defines a single agent with concurrency 1, so exactly one worker calls the endpoint. The web
 * environment is a mock one (no port is opened), since the security configuration needs a web application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spool.retry-backoff=50ms", "spool.heartbeat-interval=500ms" })
@DirtiesContext
class ModelEndpointTests {

	static final String SYSTEM_PROMPT = "You are a test agent.";

	static final Duration PATIENCE = Duration.ofSeconds(15);

	/** How the attempt that used up a task's budget is recorded. */
	static final Pattern LAST_ATTEMPT = Pattern.compile("\\(attempt (\\d+) of \\1\\)$");

	@TempDir
	static Path workspaces;

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheEndpointAnswers {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("answers"));
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void answerIsPublishedAsTheTaskOutput() throws Exception {
			endpoint.enqueue(
					ModelEndpoint.answer(new TokenUsage(21, 7, 28), "The capital ", "of France ", "is Paris."));

			Task task = finished(this.store, this.store.create(NewTask.of("What is the capital of France?")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(endpoint.workspace().resolve("outputs").resolve(task.id().text() + "_result.md"))
				.content(StandardCharsets.UTF_8)
				.isEqualTo("The capital of France is Paris.");
			assertThat(task.attempts()).isEqualTo(1);
			Attempt done = task.lastDone();
			assertThat(done.agent()).isEqualTo("tester");
			assertThat(done.model()).as("the model the endpoint says answered").isEqualTo("test-model-0613");
			assertThat(done.offline()).isFalse();
			assertThat(done.tokens()).isEqualTo(new TokenUsage(21, 7, 28));

			assertThat(endpoint.requestCount()).isEqualTo(1);
			RecordedRequest request = endpoint.takeRequest();
			assertThat(request.getMethod()).isEqualTo("POST");
			assertThat(request.getPath()).isEqualTo("/v1/chat/completions");
			assertThat(request.getHeader("Authorization")).isEqualTo("Bearer test-key");
			JsonNode body = ModelEndpoint.JSON.readTree(request.getBody().readUtf8());
			assertThat(body.path("model").asString()).isEqualTo("test-model");
			JsonNode messages = body.path("messages");
			assertThat(messages.size()).as("messages %s", messages).isEqualTo(2);
			assertThat(messages.get(0).path("role").asString()).isEqualTo("system");
			assertThat(text(messages.get(0))).isEqualTo(SYSTEM_PROMPT);
			assertThat(messages.get(1).path("role").asString()).isEqualTo("user");
			assertThat(text(messages.get(1))).isEqualTo("What is the capital of France?");
		}

		/** A message's text, whether its content was sent as a string or as a list of text parts. */
		private static String text(JsonNode message) {
			JsonNode content = message.path("content");
			if (!content.isArray()) {
				return content.asString();
			}
			StringBuilder text = new StringBuilder();
			content.forEach((part) -> text.append(part.path("text").asString()));
			return text.toString();
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheEndpointFailsThenRecovers {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("recovers"));
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void eachServerErrorIsAFailedAttemptAndTheNextAttemptSucceeds() {
			endpoint.enqueue(ModelEndpoint.serverError());
			endpoint.enqueue(ModelEndpoint.serverError());
			endpoint.enqueue(ModelEndpoint.answer(null, "Third time lucky."));

			Task task = finished(this.store, this.store.create(NewTask.of("Try again until it works.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Third time lucky.");
			assertThat(task.attempts()).isEqualTo(3);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().subList(0, 2)).allSatisfy((attempt) -> {
				assertThat(attempt.agent()).isEqualTo("tester");
				assertThat(attempt.error()).contains("HTTP 500");
			});
			assertThat(endpoint.requestCount()).isEqualTo(3);
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=1", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheEndpointRateLimits {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("rate-limited"));
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void retryAfterIsWaitedOutWithinTheSameAttempt() {
			endpoint.enqueue(new MockResponse().setResponseCode(429)
				.setHeader("Retry-After", "1")
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_exceeded\"}}"));
			endpoint.enqueue(ModelEndpoint.answer(null, "Worth the wait."));

			Task task = finished(this.store, this.store.create(NewTask.of("Answer when you may.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Worth the wait.");
			// The SDK retried within the attempt: Spool recorded no failed attempt (it would wait out Retry-After too).
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(task.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DONE);
			assertThat(endpoint.requestCount()).isEqualTo(2);
			List<Long> arrivals = endpoint.arrivals();
			assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).as("time between the two requests")
				.isGreaterThanOrEqualTo(Duration.ofMillis(900));
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=1",
			"spool.task-timeout=1s" })
	class WhenTheEndpointHangs {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("hangs"));
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		ChatModel chatModel;

		@Test
		void theTimeoutEndsTheAttemptAndTheTaskFails() {
			// The first model call in a JVM spends seconds loading classes before it sends anything; make it here,
			// so that the one-second timeout below measures the endpoint's silence only.
			endpoint.enqueue(ModelEndpoint.answer(null, "Warm."));
			ChatResponse warm = this.chatModel.stream(new Prompt("Warm up.")).blockLast();
			assertThat(warm).isNotNull();
			endpoint.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
			long created = System.nanoTime();

			Task task = finished(this.store, this.store.create(NewTask.of("Take your time.")).id());
			Duration took = Duration.ofNanos(System.nanoTime() - created);

			assertThat(task.state()).isEqualTo(TaskState.FAILED);
			// Spool's own timer and the SDK's request timeout are both spool.task-timeout; Spool's starts first.
			assertThat(task.error()).matches("(no answer within 1 s \\(spool\\.task-timeout\\)"
					+ "|the model endpoint did not answer in time: .*) \\(attempt 1 of 1\\)");
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
			assertThat(this.store.readOutput(task.id())).isEmpty();
			assertThat(endpoint.requestCount()).as("the warm-up and the one attempt").isEqualTo(2);
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=2",
			"spool.task-timeout=10s" })
	class WhenTheEndpointKeepsFailing {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("keeps-failing"));
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void usedUpAttemptsFailTheTaskButTheAgentTakesTheNextOne() {
			endpoint.otherwise(ModelEndpoint.serverError());

			Task failed = finished(this.store, this.store.create(NewTask.of("This will not work.")).id());

			assertThat(failed.state()).isEqualTo(TaskState.FAILED);
			assertThat(failed.attempts()).isEqualTo(2);
			assertThat(failed.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR);
			assertThat(failed.error()).contains("HTTP 500").endsWith("(attempt 2 of 2)");
			assertThat(this.store.readOutput(failed.id())).isEmpty();
			assertThat(endpoint.requestCount()).isEqualTo(2);

			endpoint.otherwise(ModelEndpoint.answer(null, "Back in business."));
			Task next = finished(this.store, this.store.create(NewTask.of("This will.")).id());

			assertThat(next.state()).as("state (error: %s)", next.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(next.id())).hasValue("Back in business.");
			assertThat(this.store.index().find(failed.id())).get().extracting(Task::state).isEqualTo(TaskState.FAILED);
			assertThat(endpoint.requestCount()).isEqualTo(3);
		}

	}

	/**
	 * Waits until the task has finished, whichever way, and the record of how is written: the rename that finishes a
	 * task comes first, its attempt record (and a done task's output) just after.
	 */
	static Task finished(TaskStore store, TaskId id) {
		return await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> store.index().find(id).orElseThrow(() -> new AssertionError(id + " left the index")),
					ModelEndpointTests::isRecorded);
	}

	private static boolean isRecorded(Task task) {
		if (!task.state().isFinished() || task.history().isEmpty()) {
			return false;
		}
		Attempt last = task.history().get(task.history().size() - 1);
		return switch (task.state()) {
			case DONE -> last.outcome() == Attempt.Outcome.DONE;
			case FAILED -> last.error() != null && LAST_ATTEMPT.matcher(last.error()).find();
			default -> true;
		};
	}

	/**
	 * An OpenAI-compatible endpoint that plays scripted replies in order, then a fallback, and notes when each request
	 * arrived; with the workspace of the Spool that calls it. An answer is sent as one chat completion, or as a stream
	 * of chunks when the request asks for {@code "stream": true}.
	 */
	static final class ModelEndpoint extends Dispatcher {

		static final JsonMapper JSON = JsonMapper.builder().build();

		private final MockWebServer server = new MockWebServer();

		private final BlockingQueue<Reply> script = new LinkedBlockingQueue<>();

		private final List<Long> arrivals = new CopyOnWriteArrayList<>();

		private final Path workspace;

		private volatile Reply otherwise = always(new MockResponse().setResponseCode(418)
			.setHeader("Content-Type", "application/json")
			.setBody("{\"error\":{\"message\":\"the test did not expect this request\"}}"));

		private ModelEndpoint(Path workspace) {
			this.workspace = workspace;
		}

		/** Starts the endpoint, and defines the workspace's only agent before Spool starts. */
		static ModelEndpoint start(Path workspace) throws IOException {
			Path agents = Files.createDirectories(workspace.resolve("agents"));
			Files.writeString(agents.resolve("tester.md"), "---\nconcurrency: 1\n---\n" + SYSTEM_PROMPT + "\n");
			ModelEndpoint endpoint = new ModelEndpoint(workspace);
			endpoint.server.setDispatcher(endpoint);
			endpoint.server.start();
			return endpoint;
		}

		/** Points Spool at the endpoint and its workspace; read when the context starts, after {@link #start}. */
		static void register(DynamicPropertyRegistry registry, Supplier<ModelEndpoint> endpoint) {
			registry.add("spool.workspace", () -> endpoint.get().workspace().toString());
			registry.add("spring.ai.openai.base-url", () -> endpoint.get().server.url("/v1").toString());
		}

		/** An answer made of these pieces, which a stream sends one chunk each; usage may be null. */
		static Reply answer(TokenUsage usage, String... pieces) {
			return (request) -> isStreamed(request) ? streamed(usage, pieces) : whole(usage, String.join("", pieces));
		}

		static Reply serverError() {
			return always(new MockResponse().setResponseCode(500)
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}"));
		}

		static Reply always(MockResponse response) {
			return (request) -> response;
		}

		private static boolean isStreamed(RecordedRequest request) {
			return JSON.readTree(request.getBody().clone().readUtf8()).path("stream").asBoolean(false);
		}

		private static MockResponse whole(TokenUsage usage, String content) {
			Map<String, Object> completion = completion("chat.completion",
					List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", content),
							"finish_reason", "stop")));
			if (usage != null) {
				completion.put("usage", usage(usage));
			}
			return new MockResponse().setHeader("Content-Type", "application/json")
				.setBody(JSON.writeValueAsString(completion));
		}

		private static MockResponse streamed(TokenUsage usage, String... pieces) {
			StringBuilder events = new StringBuilder();
			for (String piece : pieces) {
				event(events, completion("chat.completion.chunk",
						List.of(delta(Map.of("role", "assistant", "content", piece), null))));
			}
			event(events, completion("chat.completion.chunk", List.of(delta(Map.of(), "stop"))));
			if (usage != null) {
				Map<String, Object> last = completion("chat.completion.chunk", List.of());
				last.put("usage", usage(usage));
				event(events, last);
			}
			events.append("data: [DONE]\n\n");
			return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(events.toString());
		}

		private static Map<String, Object> completion(String object, List<?> choices) {
			Map<String, Object> completion = new LinkedHashMap<>();
			completion.put("id", "chatcmpl-1");
			completion.put("object", object);
			completion.put("created", 1700000000);
			completion.put("model", "test-model-0613");
			completion.put("choices", choices);
			return completion;
		}

		private static Map<String, Object> delta(Map<String, Object> delta, String finishReason) {
			Map<String, Object> choice = new LinkedHashMap<>();
			choice.put("index", 0);
			choice.put("delta", delta);
			choice.put("finish_reason", finishReason);
			return choice;
		}

		private static Map<String, Object> usage(TokenUsage usage) {
			return Map.of("prompt_tokens", usage.prompt(), "completion_tokens", usage.completion(), "total_tokens",
					usage.total());
		}

		private static void event(StringBuilder events, Map<String, Object> data) {
			events.append("data: ").append(JSON.writeValueAsString(data)).append("\n\n");
		}

		Path workspace() {
			return this.workspace;
		}

		void enqueue(Reply reply) {
			this.script.add(reply);
		}

		void enqueue(MockResponse response) {
			enqueue(always(response));
		}

		/** The reply to every request once the script is used up. */
		void otherwise(Reply reply) {
			this.otherwise = reply;
		}

		int requestCount() {
			return this.server.getRequestCount();
		}

		/** {@link System#nanoTime()} at the arrival of each request, in order. */
		List<Long> arrivals() {
			return List.copyOf(this.arrivals);
		}

		RecordedRequest takeRequest() throws InterruptedException {
			RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
			assertThat(request).as("a request to the model endpoint").isNotNull();
			return request;
		}

		@Override
		public MockResponse dispatch(RecordedRequest request) {
			this.arrivals.add(System.nanoTime());
			Reply next = this.script.poll();
			return ((next != null) ? next : this.otherwise).to(request);
		}

		void close() throws IOException {
			this.server.shutdown();
		}

		/** What the endpoint sends back to one request. */
		interface Reply {

			MockResponse to(RecordedRequest request);

		}

	}

}
