package dev.spool.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import org.assertj.core.api.InstanceOfAssertFactories;
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
 * The workspace defines a single agent with concurrency 1, so exactly one worker calls the endpoint (one case adds a
 * second agent, to show that it goes on while the first is stuck). The web
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
				.as("the answer, after a header that says who wrote it and when")
				.startsWith("---\nagent: ")
				.endsWith("\n---\nThe capital of France is Paris.");
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
			assertThat(ModelEndpoint.text(messages.get(0))).isEqualTo(SYSTEM_PROMPT);
			assertThat(messages.get(1).path("role").asString()).isEqualTo("user");
			assertThat(ModelEndpoint.text(messages.get(1))).isEqualTo("What is the capital of France?");
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
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=20s", "spool.stale-after=1s", "spool.heartbeat-interval=200ms" })
	class WhenTheModelTakesLongerThanStaleAfter {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("slow"));
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
		void theHeartbeatKeepsTheClaimThroughOneLongCall() {
			// Three times spool.stale-after before the first byte: only the agent's heartbeat keeps the claim.
			endpoint.enqueue((request) -> ModelEndpoint.answer(null, "Slow ", "but ", "sure.")
				.to(request)
				.setHeadersDelay(3, TimeUnit.SECONDS));

			Task task = finished(this.store, this.store.create(NewTask.of("Think it over.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(task.history()).as("one attempt, never taken back").extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.DONE);
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(endpoint.requestCount()).as("model calls").isEqualTo(1);
			assertThat(this.store.readOutput(task.id())).hasValue("Slow but sure.");
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

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=2",
			"spool.task-timeout=10s" })
	class WhenNothingListensAtTheEndpoint {

		static ModelEndpoint endpoint;

		static String unreachable;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("refused"));
			unreachable = "http://127.0.0.1:" + ModelEndpoint.closedPort() + "/v1";
		}

		@AfterAll
		static void stop() throws IOException {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpoint.register(registry, () -> endpoint);
			registry.add("spring.ai.openai.base-url", () -> unreachable);
		}

		@Autowired
		TaskStore store;

		@Test
		void everyAttemptFailsSayingTheEndpointCannotBeReached() {
			Task task = finished(this.store, this.store.create(NewTask.of("Is anybody there?")).id());

			assertThat(task.state()).isEqualTo(TaskState.FAILED);
			assertThat(task.attempts()).isEqualTo(2);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR);
			assertThat(task.history()).allSatisfy((attempt) -> {
				assertThat(attempt.agent()).isEqualTo("tester");
				assertThat(attempt.error()).startsWith("cannot reach the model endpoint: ");
			});
			assertThat(task.error()).startsWith("cannot reach the model endpoint: ")
				.containsIgnoringCase("connect")
				.endsWith("(attempt 2 of 2)");
			assertThat(this.store.readOutput(task.id())).isEmpty();
			assertThat(endpoint.requestCount()).as("requests that reached any endpoint").isZero();
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=1", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheEndpointRateLimitsWithoutRetryAfter {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("rate-limited-bare"));
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
		void theClientBacksOffOnItsOwnAndTheSameAttemptSucceeds() {
			endpoint.enqueue(new MockResponse().setResponseCode(429)
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"too many requests\",\"type\":\"rate_limit_exceeded\"}}"));
			endpoint.enqueue(ModelEndpoint.answer(null, "Patience pays."));

			Task task = finished(this.store, this.store.create(NewTask.of("Answer when you can.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Patience pays.");
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(task.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DONE);
			assertThat(task.error()).isNull();
			assertThat(endpoint.requestCount()).isEqualTo(2);
			List<Long> arrivals = endpoint.arrivals();
			// The SDK's first backoff is 0.5 s less up to a quarter of jitter; the bound leaves room for the clock.
			assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).as("time between the two requests")
				.isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheAnswerIsCutOff {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("cut-off"));
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
		void aStreamThatBreaksOffIsAFailedAttemptAndOnlyTheWholeAnswerIsPublished() {
			endpoint.enqueue(ModelEndpoint.cutOff("PARTIAL ", "answer ", "that never ", "ends ", "at all."));
			endpoint.enqueue(ModelEndpoint.answer(null, "The whole ", "answer."));

			Task task = finished(this.store, this.store.create(NewTask.of("Tell me everything.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("The whole answer.");
			assertThat(task.attempts()).isEqualTo(2);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().get(0).agent()).isEqualTo("tester");
			assertThat(task.history().get(0).error()).isEqualTo(
					"the connection to the model endpoint failed: unexpected end of stream");
			assertThat(task.lastDone().model()).isEqualTo("test-model-0613");
			assertThat(endpoint.prompts()).as("requests for this task")
				.filteredOn("Tell me everything."::equals)
				.hasSize(2);
		}

		/**
		 * Disabled: Spool publishes what arrived before the stream stopped ("PARTIAL answer ") as the task's output
		 * and marks it done, since neither HTTP nor the SDK notices that the last chunk, its finish reason and
		 * {@code [DONE]} never came. Enable once {@code ModelGateway.ask} refuses an answer without a finish reason.
		 */
		@Test
		void aStreamThatStopsBeforeItsLastChunkIsNotPublishedAsAnAnswer() {
			endpoint.enqueue(ModelEndpoint.endsEarly("PARTIAL ", "answer ", "that never ", "ends ", "at all."));
			endpoint.enqueue(ModelEndpoint.answer(null, "The whole ", "answer."));

			Task task = finished(this.store, this.store.create(NewTask.of("Tell me everything, again.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("The whole answer.");
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WhenTheEndpointSendsGarbage {

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("garbage"));
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
		void anUnreadableBodyIsAFailedAttemptWithAReadableErrorAndTheNextAttemptSucceeds() {
			endpoint.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody("{not json"));
			endpoint.enqueue(
					new MockResponse().setHeader("Content-Type", "text/event-stream").setBody("data: {not json}\n\n"));
			endpoint.enqueue(ModelEndpoint.answer(null, "Clean ", "at last."));

			Task task = finished(this.store, this.store.create(NewTask.of("Make sense of this.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Clean at last.");
			assertThat(task.attempts()).isEqualTo(3);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().subList(0, 2)).allSatisfy((attempt) -> {
				assertThat(attempt.agent()).isEqualTo("tester");
				assertThat(attempt.error()).as("no stack trace").isNotBlank().doesNotContain("\tat ", "Caused by");
			});
			// A body that is not a stream of events at all reads as a stream with nothing in it.
			assertThat(task.history().get(0).error())
				.isEqualTo("IllegalStateException: the model returned an empty answer");
			// An event that is not JSON: the parser's own words, which say what was wrong with it.
			assertThat(task.history().get(1).error().lines().findFirst()).get(InstanceOfAssertFactories.STRING)
				.endsWith("Unexpected character ('n' (code 110)): was expecting double-quote to start field name");
			assertThat(endpoint.prompts()).as("requests for this task")
				.filteredOn("Make sense of this."::equals)
				.hasSize(3);
		}

		/**
		 * Disabled: the error recorded for an event that is not JSON says the connection failed (Jackson's parse
		 * error is an IOException to {@code ModelErrors.describe}) and runs over two lines (the parser's location).
		 * Enable once {@code ModelErrors} tells unreadable answers from broken connections and keeps to one line.
		 */
		@Test
		void anEventThatIsNotJsonIsRecordedInOneLineAsAnUnreadableAnswer() {
			endpoint.enqueue(
					new MockResponse().setHeader("Content-Type", "text/event-stream").setBody("data: {not json}\n\n"));
			endpoint.enqueue(ModelEndpoint.answer(null, "Clean ", "again."));

			Task task = finished(this.store, this.store.create(NewTask.of("Make sense of this, again.")).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().get(0).error()).doesNotContain("\n")
				.doesNotContain("connection")
				.contains("Unexpected character ('n' (code 110))");
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=1",
			"spool.task-timeout=30s" })
	class WhenOneAgentsCallHangs {

		static final String STUCK = "Wait for an answer that never comes.";

		static ModelEndpoint endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpoint.start(workspaces.resolve("one-stuck"), "helper");
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

		/**
		 * The tester's request never gets an answer, and its task timeout is far beyond the test: the helper's three
		 * tasks, created once that request is under way, are all done while the tester's task is still in progress.
		 * Closing the context cuts the stuck call short.
		 */
		@Test
		void theOtherAgentsTasksAreAllDoneWhileItWaits() {
			endpoint.otherwise((request) -> ModelEndpoint.prompt(request).equals(STUCK)
					? new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE)
					: ModelEndpoint.answer(null, "Answer to: ", ModelEndpoint.prompt(request)).to(request));

			TaskId stuck = this.store.create(task(STUCK, "tester")).id();
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> endpoint.prompts().contains(STUCK));
			List<String> others = List.of("First", "Second", "Third");
			Map<String, TaskId> ids = new LinkedHashMap<>();
			others.forEach((prompt) -> ids.put(prompt, this.store.create(task(prompt, "helper")).id()));

			ids.forEach((prompt, id) -> {
				Task done = finished(this.store, id);
				assertThat(done.state()).as("state (error: %s)", done.error()).isEqualTo(TaskState.DONE);
				assertThat(done.lastDone().agent()).isEqualTo("helper");
				assertThat(this.store.readOutput(id)).hasValue("Answer to: " + prompt);
			});
			Task waiting = this.store.index().find(stuck).orElseThrow();
			assertThat(waiting.state()).isEqualTo(TaskState.IN_PROGRESS);
			assertThat(waiting.owner()).isEqualTo("tester");
			assertThat(waiting.history()).isEmpty();
			assertThat(this.store.readOutput(stuck)).isEmpty();
			// The helper takes them in order of their ids, as a rule; the test does not insist on it.
			assertThat(endpoint.prompts()).first().isEqualTo(STUCK);
			assertThat(endpoint.prompts()).hasSize(4).containsExactlyInAnyOrder(STUCK, "First", "Second", "Third");
		}

		private static NewTask task(String prompt, String agent) {
			return new NewTask(prompt, null, agent, 0, List.of(), null);
		}

	}

	/**
	 * Waits until the task has finished, whichever way, and the record of how is written: the rename that finishes a
	 * task comes first, its attempt record (and a done task's output) just after.
	 */
	static Task finished(TaskStore store, TaskId id) {
		// The index may lose sight of a task for an instant while its file is renamed (see TaskIndex.update); one
		// that stays away fails the wait with the last thing seen, Optional.empty.
		return await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> store.index().find(id), (task) -> task.isPresent() && isRecorded(task.get()))
			.orElseThrow();
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

		private final List<String> prompts = new CopyOnWriteArrayList<>();

		private final Path workspace;

		private volatile Reply otherwise = always(new MockResponse().setResponseCode(418)
			.setHeader("Content-Type", "application/json")
			.setBody("{\"error\":{\"message\":\"the test did not expect this request\"}}"));

		private ModelEndpoint(Path workspace) {
			this.workspace = workspace;
		}

		/**
		 * Starts the endpoint, and defines the workspace's agents before Spool starts: {@code tester} and any others
		 * named, each with concurrency 1 and the same system prompt.
		 */
		static ModelEndpoint start(Path workspace, String... otherAgents) throws IOException {
			Path agents = Files.createDirectories(workspace.resolve("agents"));
			Files.writeString(agents.resolve("tester.md"), "---\nconcurrency: 1\n---\n" + SYSTEM_PROMPT + "\n");
			for (String agent : otherAgents) {
				Files.writeString(agents.resolve(agent + ".md"), "---\nconcurrency: 1\n---\n" + SYSTEM_PROMPT + "\n");
			}
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

		/**
		 * A streamed answer made of these pieces that breaks off: the server sends half of it, which ends inside a
		 * chunk, and closes the connection.
		 */
		static Reply cutOff(String... pieces) {
			MockResponse whole = streamed(null, pieces);
			String body = whole.getBody().readUtf8();
			assertThat(body.substring(0, body.length() / 2)).as("what the server sends before it disconnects")
				.contains("\"content\":\"" + pieces[0] + "\"")
				.doesNotEndWith("\n\n");
			return always(whole.setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
		}

		/**
		 * A streamed answer made of these pieces whose body, delimited by the connection's end rather than a length,
		 * stops inside the chunk of the third piece: no finish reason, no {@code [DONE]}, nothing for HTTP to catch.
		 */
		static Reply endsEarly(String... pieces) {
			return (request) -> {
				String body = streamed(null, pieces).getBody().readUtf8();
				int third = body.indexOf("data: ", body.indexOf("data: ", body.indexOf("data: ") + 1) + 1);
				return new MockResponse().setHeader("Content-Type", "text/event-stream")
					.setHeader("Connection", "close")
					.setBody(body.substring(0, third + 40))
					.removeHeader("Content-Length")
					.setSocketPolicy(SocketPolicy.DISCONNECT_AT_END);
			};
		}

		static Reply serverError() {
			return always(new MockResponse().setResponseCode(500)
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\"}}"));
		}

		static Reply always(MockResponse response) {
			return (request) -> response;
		}

		/** The user message of a request to the chat completions API. */
		static String prompt(RecordedRequest request) {
			JsonNode messages = JSON.readTree(request.getBody().clone().readUtf8()).path("messages");
			for (JsonNode message : messages) {
				if (message.path("role").asString().equals("user")) {
					return text(message);
				}
			}
			return null;
		}

		/** A message's text, whether its content was sent as a string or as a list of text parts. */
		static String text(JsonNode message) {
			JsonNode content = message.path("content");
			if (!content.isArray()) {
				return content.asString();
			}
			StringBuilder text = new StringBuilder();
			content.forEach((part) -> text.append(part.path("text").asString()));
			return text.toString();
		}

		/** A port that nothing listens on, as far as anyone can tell: one just given up by a socket. */
		static int closedPort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
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

		/** The base URL Spool is pointed at, for a Spool started without {@link #register}. */
		String url() {
			return this.server.url("/v1").toString();
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

		/** The user message of each request, in the order they arrived. */
		List<String> prompts() {
			return List.copyOf(this.prompts);
		}

		RecordedRequest takeRequest() throws InterruptedException {
			RecordedRequest request = this.server.takeRequest(5, TimeUnit.SECONDS);
			assertThat(request).as("a request to the model endpoint").isNotNull();
			return request;
		}

		@Override
		public MockResponse dispatch(RecordedRequest request) {
			this.arrivals.add(System.nanoTime());
			this.prompts.add(String.valueOf(prompt(request)));
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
