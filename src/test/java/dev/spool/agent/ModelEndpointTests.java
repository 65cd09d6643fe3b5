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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import okhttp3.mockwebserver.MockResponse;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelRequest.Message;
import dev.spool.ModelStub;
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
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Spool against an OpenAI-compatible endpoint played by a {@link ModelStub}: what a person sees (the task's
 * state, output, attempts and recorded errors) and what the endpoint receives, when it answers, fails, rate-limits
 * or hangs. Each nested class is one running Spool with its own endpoint, workspace and settings, closed after it;
 * cases that need the same settings share one, so that the class starts six rather than one for each case.
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

	/**
	 * Cases where the client does not retry ({@code max-retries=0}), so that each failure the endpoint makes is an
	 * attempt Spool counts. They share one running Spool and one endpoint: each scripts the replies to its own prompt
	 * ({@link #script}) and looks only at the requests for it.
	 */
	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WithoutClientRetries {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("without-retries"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("without-retries"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void answerIsPublishedAsTheTaskOutput() throws Exception {
			String prompt = "What is the capital of France?";
			script(endpoint, prompt, ModelReply.text("The capital ", "of France ", "is Paris.").usage(21, 7));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(workspaces.resolve("without-retries").resolve("outputs").resolve(task.id().text() + "_result.md"))
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

			List<ModelRequest> requests = requestsFor(endpoint, prompt);
			assertThat(requests).hasSize(1);
			ModelRequest request = requests.get(0);
			assertThat(request.path()).isEqualTo("/v1/chat/completions");
			assertThat(request.headers().get("Authorization")).isEqualTo("Bearer test-key");
			assertThat(request.model()).isEqualTo("test-model");
			assertThat(request.messages()).extracting(Message::role, Message::text)
				.containsExactly(tuple("system", SYSTEM_PROMPT), tuple("user", prompt));
		}

		@Test
		void eachServerErrorIsAFailedAttemptAndTheNextAttemptSucceeds() {
			String prompt = "Try again until it works.";
			script(endpoint, prompt, ModelReply.error(500, "the model crashed"),
					ModelReply.error(500, "the model crashed"), ModelReply.text("Third time lucky."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Third time lucky.");
			assertThat(task.attempts()).isEqualTo(3);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().subList(0, 2)).allSatisfy((attempt) -> {
				assertThat(attempt.agent()).isEqualTo("tester");
				assertThat(attempt.error()).contains("HTTP 500");
			});
			assertThat(requestsFor(endpoint, prompt)).hasSize(3);
		}

		@Test
		void usedUpAttemptsFailTheTaskButTheAgentTakesTheNextOne() {
			String failing = "This will not work.";
			endpoint.when((request) -> request.prompt().equals(failing), ModelReply.error(500, "the model crashed"));

			// Its own max_attempts, as a task file may set: two, below the configured three.
			Task failed = finished(this.store, this.store.create(new NewTask(failing, null, null, null, null, 0,
					List.of(), null, null, null, null, 2, null)).id());

			assertThat(failed.state()).isEqualTo(TaskState.FAILED);
			assertThat(failed.attempts()).isEqualTo(2);
			assertThat(failed.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR);
			assertThat(failed.error()).contains("HTTP 500").endsWith("(attempt 2 of 2)");
			assertThat(this.store.readOutput(failed.id())).isEmpty();
			assertThat(requestsFor(endpoint, failing)).hasSize(2);

			script(endpoint, "This will.", ModelReply.text("Back in business."));
			Task next = finished(this.store, this.store.create(NewTask.of("This will.")).id());

			assertThat(next.state()).as("state (error: %s)", next.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(next.id())).hasValue("Back in business.");
			assertThat(this.store.index().find(failed.id())).get().extracting(Task::state).isEqualTo(TaskState.FAILED);
			assertThat(requestsFor(endpoint, failing)).hasSize(2);
			assertThat(requestsFor(endpoint, "This will.")).hasSize(1);
		}

		@Test
		void aStreamThatBreaksOffIsAFailedAttemptAndOnlyTheWholeAnswerIsPublished() {
			String prompt = "Tell me everything.";
			script(endpoint, prompt, ModelReply.text("PARTIAL ", "answer ", "that never ", "ends ", "at all.").cutOff(),
					ModelReply.text("The whole ", "answer."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("The whole answer.");
			assertThat(task.attempts()).isEqualTo(2);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().get(0).agent()).isEqualTo("tester");
			assertThat(task.history().get(0).error()).isEqualTo(
					"the connection to the model endpoint failed: unexpected end of stream");
			assertThat(task.lastDone().model()).isEqualTo("test-model-0613");
			assertThat(requestsFor(endpoint, prompt)).as("requests for this task").hasSize(2);
		}

		@Test
		void aStreamThatStopsBeforeItsLastChunkIsNotPublishedAsAnAnswer() {
			String prompt = "Tell me everything, again.";
			script(endpoint, prompt, ModelReply.text("PARTIAL ", "answer ", "that never ", "ends ", "at all.")
				.endsEarly(), ModelReply.text("The whole ", "answer."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("The whole answer.");
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
		}

		@Test
		void anUnreadableBodyIsAFailedAttemptWithAReadableErrorAndTheNextAttemptSucceeds() {
			String prompt = "Make sense of this.";
			script(endpoint, prompt,
					ModelReply.raw(new MockResponse().setHeader("Content-Type", "application/json")
						.setBody("{not json")),
					ModelReply.raw(new MockResponse().setHeader("Content-Type", "text/event-stream")
						.setBody("data: {not json}\n\n")),
					ModelReply.text("Clean ", "at last."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

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
			assertThat(requestsFor(endpoint, prompt)).as("requests for this task").hasSize(3);
		}

		@Test
		void anEventThatIsNotJsonIsRecordedInOneLineAsAnUnreadableAnswer() {
			String prompt = "Make sense of this, again.";
			script(endpoint, prompt,
					ModelReply.raw(new MockResponse().setHeader("Content-Type", "text/event-stream")
						.setBody("data: {not json}\n\n")),
					ModelReply.text("Clean ", "again."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(task.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(task.history().get(0).error()).doesNotContain("\n")
				.doesNotContain("connection")
				.contains("Unexpected character ('n' (code 110))");
		}

	}

	/**
	 * Cases where the client retries once ({@code max-retries=1}) within an attempt, as the SDK does on a rate limit.
	 * They share one running Spool and one endpoint, each scripting the replies to its own prompt.
	 */
	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=1", "spool.max-attempts=3",
			"spool.task-timeout=10s" })
	class WithClientRetries {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("with-retries"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("with-retries"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void retryAfterIsWaitedOutWithinTheSameAttempt() {
			String prompt = "Answer when you may.";
			script(endpoint, prompt, ModelReply.raw(new MockResponse().setResponseCode(429)
				.setHeader("Retry-After", "1")
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_exceeded\"}}")),
					ModelReply.text("Worth the wait."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Worth the wait.");
			// The SDK retried within the attempt: Spool recorded no failed attempt (it would wait out Retry-After too).
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(task.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DONE);
			List<Long> arrivals = requestsFor(endpoint, prompt).stream().map(ModelRequest::arrivedAt).toList();
			assertThat(arrivals).hasSize(2);
			assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).as("time between the two requests")
				.isGreaterThanOrEqualTo(Duration.ofMillis(900));
		}

		@Test
		void theClientBacksOffOnItsOwnAndTheSameAttemptSucceeds() {
			String prompt = "Answer when you can.";
			script(endpoint, prompt, ModelReply.raw(new MockResponse().setResponseCode(429)
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"too many requests\",\"type\":\"rate_limit_exceeded\"}}")),
					ModelReply.text("Patience pays."));

			Task task = finished(this.store, this.store.create(NewTask.of(prompt)).id());

			assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
			assertThat(this.store.readOutput(task.id())).hasValue("Patience pays.");
			assertThat(task.attempts()).isEqualTo(1);
			assertThat(task.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DONE);
			assertThat(task.error()).isNull();
			List<Long> arrivals = requestsFor(endpoint, prompt).stream().map(ModelRequest::arrivedAt).toList();
			assertThat(arrivals).hasSize(2);
			// The SDK's first backoff is 0.5 s less up to a quarter of jitter; the bound leaves room for the clock.
			assertThat(Duration.ofNanos(arrivals.get(1) - arrivals.get(0))).as("time between the two requests")
				.isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}

	}

	@Nested
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=1",
			"spool.task-timeout=1s" })
	class WhenTheEndpointHangs {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("hangs"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("hangs"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		ChatModel chatModel;

		@Test
		void theTimeoutEndsTheAttemptAndTheTaskFails() {
			// The first model call in a JVM spends seconds loading classes before it sends anything; make it here,
			// so that the one-second timeout below measures the endpoint's silence only.
			endpoint.reply(ModelReply.text("Warm."));
			ChatResponse warm = this.chatModel.stream(new Prompt("Warm up.")).blockLast();
			assertThat(warm).isNotNull();
			endpoint.reply(ModelReply.silence());
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

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("slow"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("slow"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Test
		void theHeartbeatKeepsTheClaimThroughOneLongCall() {
			// Three times spool.stale-after before the first byte: only the agent's heartbeat keeps the claim.
			endpoint.reply(ModelReply.text("Slow ", "but ", "sure.").after(Duration.ofSeconds(3)));

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
	class WhenNothingListensAtTheEndpoint {

		static ModelStub endpoint;

		static String unreachable;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("refused"));
			unreachable = "http://127.0.0.1:" + closedPort() + "/v1";
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("refused"), () -> endpoint);
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
	@TestPropertySource(properties = { "spring.ai.openai.max-retries=0", "spool.max-attempts=1",
			"spool.task-timeout=30s" })
	class WhenOneAgentsCallHangs {

		static final String STUCK = "Wait for an answer that never comes.";

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = modelFor(workspaces.resolve("one-stuck"), "helper");
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			register(registry, () -> workspaces.resolve("one-stuck"), () -> endpoint);
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
			endpoint.otherwise((request) -> request.prompt().equals(STUCK) ? ModelReply.silence()
					: ModelReply.text("Answer to: ", request.prompt()));

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
			return aTask(prompt).forAgent(agent).build();
		}

	}

	/**
	 * Waits until the task has finished, whichever way, and the record of how is written: the rename that finishes a
	 * task comes first, its attempt record (and a done task's output) just after.
	 */
	static Task finished(TaskStore store, TaskId id) {
		return finished(store, id, PATIENCE);
	}

	/** As {@link #finished(TaskStore, TaskId)}, waiting this long at most. */
	static Task finished(TaskStore store, TaskId id, Duration patience) {
		// The index may lose sight of a task for an instant while its file is renamed (see TaskIndex.update); one
		// that stays away fails the wait with the last thing seen, Optional.empty.
		return await().atMost(patience)
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
	 * A model stub for a Spool on this workspace, which defines its agents before Spool starts: {@code tester} and any
	 * others named, each with concurrency 1 and the same system prompt. A request the test did not script gets
	 * HTTP 418.
	 */
	static ModelStub modelFor(Path workspace, String... otherAgents) throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(agents.resolve("tester.md"), "---\nconcurrency: 1\n---\n" + SYSTEM_PROMPT + "\n");
		for (String agent : otherAgents) {
			Files.writeString(agents.resolve(agent + ".md"), "---\nconcurrency: 1\n---\n" + SYSTEM_PROMPT + "\n");
		}
		return ModelStub.start().otherwise(ModelReply.error(418, "the test did not expect this request"));
	}

	/** Points Spool at the model stub and its workspace; read when the context starts, after {@link #modelFor}. */
	static void register(DynamicPropertyRegistry registry, Supplier<Path> workspace, Supplier<ModelStub> model) {
		registry.add("spool.workspace", () -> workspace.get().toString());
		registry.add("spring.ai.openai.base-url", () -> model.get().baseUrl());
	}

	/**
	 * Scripts the replies to the requests whose prompt is this one, in order, whatever else the endpoint is asked
	 * meanwhile; a request past the last gets HTTP 418.
	 */
	static void script(ModelStub endpoint, String prompt, ModelReply... replies) {
		Queue<ModelReply> queue = new ConcurrentLinkedQueue<>(List.of(replies));
		endpoint.when((request) -> request.prompt().equals(prompt), (request) -> {
			ModelReply next = queue.poll();
			return (next != null) ? next : ModelReply.error(418, "the test scripted no more replies to this prompt");
		});
	}

	/** The requests whose prompt is this one, in order of arrival. */
	static List<ModelRequest> requestsFor(ModelStub endpoint, String prompt) {
		return endpoint.requests().stream().filter((request) -> request.prompt().equals(prompt)).toList();
	}

	/** A port that nothing listens on, as far as anyone can tell: one just given up by a socket. */
	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
