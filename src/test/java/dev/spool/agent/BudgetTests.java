package dev.spool.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelReply;
import dev.spool.MutableClock;
import dev.spool.ModelStub;
import dev.spool.model.ModelGateway;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TokenUsage;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Tokens and budgets against an OpenAI-compatible stub: every attempt records its tokens (estimated where the model
 * never said), totals and cost show in the API and the pages, and a spent budget stops work. Agents: {@code tester}
 * (no budget), {@code counter} (for totals), {@code thrifty} ({@code budget_daily_tokens: 100}) and {@code echoer} (a
 * command, {@code cat}). Time is the real
 * clock shifted by an offset the tests move, so a test can step into the next UTC day.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@AutoConfigureMockMvc
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.retry-backoff=50ms", "spool.heartbeat-interval=500ms",
		"spool.max-attempts=2", "spool.task-timeout=5s", "spool.prices.test-model-0613.input-per-million=2",
		"spool.prices.test-model-0613.output-per-million=10" })
@DirtiesContext
class BudgetTests {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final MutableClock CLOCK = MutableClock.ticking();

	static Path workspace;

	static ModelStub endpoint;

	@BeforeAll
	static void start() throws IOException {
		workspace = Files.createTempDirectory("spool-budget-");
		endpoint = ModelEndpointTests.modelFor(workspace, "counter");
		Files.writeString(workspace.resolve("agents").resolve("thrifty.md"),
				"---\nconcurrency: 1\nbudget_daily_tokens: 100\n---\n" + ModelEndpointTests.SYSTEM_PROMPT + "\n");
		Files.writeString(workspace.resolve("agents").resolve("patient.md"),
				"---\nconcurrency: 1\n---\n" + ModelEndpointTests.SYSTEM_PROMPT + "\n");
		Path echoer = Files.writeString(workspace.resolve("agents").resolve("echoer.md"),
				"---\ncommand: [\"cat\"]\nconcurrency: 1\n---\nA long system prompt that a command is never sent.\n");
		Files.setPosixFilePermissions(echoer, PosixFilePermissions.fromString("rw-r--r--"));
		Files.setPosixFilePermissions(workspace.resolve("agents"), PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	@AfterAll
	static void stop() {
		endpoint.close();
	}

	@DynamicPropertySource
	static void endpoint(DynamicPropertyRegistry registry) {
		ModelEndpointTests.register(registry, () -> workspace, () -> endpoint);
	}

	@Autowired
	TaskStore store;

	@Autowired
	MockMvc mvc;

	@Autowired
	ModelGateway model;

	@Test
	void failedAttemptsRecordTheirTokensAsEstimates() {
		String prompt = "Which prime follows 7?"; // 22 characters; with the system prompt's 21, 11 or 12 tokens
		endpoint.reply(ModelReply.error(500, "the model crashed"));
		endpoint.reply(ModelReply.error(500, "the model crashed"));

		Task task = finished( create(prompt, "tester"));

		assertThat(task.state()).isEqualTo(TaskState.FAILED);
		List<Attempt> errors = task.history().stream().filter((a) -> a.outcome() == Attempt.Outcome.ERROR).toList();
		assertThat(errors).hasSize(2).allSatisfy((attempt) -> {
			assertThat(attempt.tokens()).as("tokens of a failed attempt").isNotNull();
			assertThat(attempt.tokens().estimated()).isTrue();
			assertThat(attempt.tokens().prompt()).isEqualTo(11);
			assertThat(attempt.tokens().completion()).isZero();
			assertThat(attempt.tokens().total()).isEqualTo(11);
		});
		assertThat(recordText(task.id(), 1)).as("the record on disk").containsPattern("\"estimated\"\\s*:\\s*true");
	}

	@Test
	void aStreamedAnswerWithoutUsageRecordsAnEstimate() {
		// What @dwmkerr/mock-llm and some real servers do: a stream with no usage, even when asked for it.
		endpoint.reply(ModelReply.text("Paris", "."));

		Task task = finished(create("Capital of France?", "tester")); // 18 characters; the system prompt's 21

		assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
		assertThat(task.lastDone().tokens()).isEqualTo(new TokenUsage((21 + 18 + 3) / 4, 2, 10 + 2, true));
		assertThat(recordText(task.id(), 1)).as("the record on disk").containsPattern("\"estimated\"\\s*:\\s*true");
	}

	@Test
	void aCommandAgentsAnswerRecordsAnEstimateOfWhatItWasSentAndPrinted() {
		Task task = finished(create("Echo me, please.", "echoer")); // 16 characters, sent without a system prompt

		assertThat(task.state()).as("state (error: %s)", task.error()).isEqualTo(TaskState.DONE);
		TokenUsage tokens = task.lastDone().tokens();
		assertThat(tokens).as("tokens of a command's answer").isNotNull();
		assertThat(tokens.estimated()).isTrue();
		assertThat(tokens.prompt()).isEqualTo(4);
		assertThat(tokens.completion()).as("what cat printed: the prompt").isBetween(4L, 5L);
		assertThat(tokens.total()).isEqualTo(tokens.prompt() + tokens.completion());
	}

	@Test
	void aTimedOutAttemptRecordsWhatItStreamedAsAnEstimate() throws Exception {
		List<String> pieces = new ArrayList<>(List.of("Forty-two is"));
		for (int i = 0; i < 20; i++) {
			pieces.add(" and so on");
		}
		endpoint.reply(ModelReply.text(pieces.toArray(String[]::new)).stallsAfterFirstChunk());

		Task task = finished( create("What is six times seven, in words?", "tester"));

		Attempt timedOut = task.history().get(0);
		assertThat(timedOut.outcome()).isEqualTo(Attempt.Outcome.ERROR);
		assertThat(timedOut.error()).contains("no answer within");
		assertThat(timedOut.tokens().estimated()).isTrue();
		assertThat(timedOut.tokens().prompt()).isEqualTo((21 + 34 + 3) / 4);
		assertThat(timedOut.tokens().completion()).as("what had streamed: a few pieces, or nothing yet")
			.isBetween(0L, 20L);
	}

	@Test
	void aTaskCancelledWhileItsAnswerStreamsKeepsTheTokensItUsed() throws Exception {
		long before = todayOf("tester");
		int requests = endpoint.requestCount();
		endpoint.reply(ModelReply.text("Paris ", "is ", "the ", "capital ", "of ", "France.").stallsAfterFirstChunk());
		TaskId id = create("Capital of France, at length?", "tester");
		await().atMost(PATIENCE).until(() -> endpoint.requestCount() > requests
				&& this.store.index().find(id).orElseThrow().state() == TaskState.IN_PROGRESS);

		this.store.cancel(id);

		Attempt cut = await().atMost(PATIENCE).until(() -> this.store.index().find(id).orElseThrow().history()
			.stream().filter((entry) -> entry.outcome() == Attempt.Outcome.CUT_SHORT).findFirst(),
				java.util.Optional::isPresent).orElseThrow();
		assertThat(cut.agent()).as("who made the attempt").isEqualTo("tester");
		assertThat(cut.startedAt()).as("when it began").isNotNull();
		assertThat(cut.tokens()).as("what it used until it was cut short").isNotNull();
		assertThat(cut.tokens().total()).isPositive();
		Task task = this.store.index().find(id).orElseThrow();
		assertThat(task.state()).isEqualTo(TaskState.CANCELLED);
		assertThat(task.completedAt()).as("cancelled at").isNotNull();
		JsonNode json = json("/api/tasks/" + id);
		assertThat(json.path("totalTokens").path("total").asLong()).isEqualTo(cut.tokens().total());
		assertThat(page("/tasks/" + id)).contains("attempt cut short").as("how long it ran")
			.containsPattern("id=\"ran\"><span[^>]*>[0-9]");
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(todayOf("tester"))
			.as("the agent's tokens today").isEqualTo(before + cut.tokens().total()));
	}

	@Test
	void usageIsTotalledPerDayAgentAndModelWithItsCost() throws Exception {
		endpoint.reply(ModelReply.text("Paris.").usage(21, 7));
		TaskId first = finished( create("Capital of France?", "counter")).id();
		endpoint.reply(ModelReply.text("Rome.").usage(100, 50));
		finished( create("Capital of Italy?", "counter"));

		JsonNode usage = json("/api/usage?days=7");
		JsonNode row = row(usage.path("days"), "counter");
		assertThat(row.path("day").asString()).isEqualTo(CLOCK.instant().atZone(ZoneOffset.UTC).toLocalDate().toString());
		assertThat(row.path("model").asString()).isEqualTo("test-model-0613");
		assertThat(row.path("tokens").path("prompt").asLong()).isEqualTo(121);
		assertThat(row.path("tokens").path("completion").asLong()).isEqualTo(57);
		assertThat(row.path("tokens").path("total").asLong()).isEqualTo(178);
		// 121 input tokens at $2 and 57 output tokens at $10 per million.
		assertThat(row.path("costUsd").decimalValue()).isEqualByComparingTo("0.000812");

		JsonNode task = json("/api/tasks/" + first);
		assertThat(task.path("totalTokens").path("total").asLong()).isEqualTo(28);
		assertThat(task.path("costUsd").decimalValue()).isEqualByComparingTo("0.000112");
		String page = page("/tasks/" + first);
		assertThat(page).contains("21 in, 7 out, $0.000112").contains("21 in, 7 out tokens");
		assertThat(page("/agents")).contains("178 tokens, $0.000812");
		this.mvc.perform(get("/api/usage?days=0")).andExpect(status().isBadRequest());
	}

	@Test
	void tasksHeldByTheirOwnBudgetsDoNotHoldBackTheTasksBehindThem() throws Exception {
		// More tasks at the head of the queue than an agent looks at in one go, each at its own budget already.
		Instant now = CLOCK.instant();
		for (int i = 0; i < 20; i++) {
			String id = "task_" + (950 + i);
			String record = "{\"number\":1,\"outcome\":\"ERROR\",\"agent\":\"patient\",\"startedAt\":\"" + now
					+ "\",\"finishedAt\":\"" + now + "\",\"error\":\"cut\",\"model\":\"test-model-0613\","
					+ "\"tokens\":{\"prompt\":6,\"completion\":4,\"total\":10}}";
			Path written = Files.writeString(workspace.resolve("record.tmp"), record);
			Files.move(written, workspace.resolve(".spool/attempts/" + id + ".1.json"), StandardCopyOption.ATOMIC_MOVE);
			Path task = Files.writeString(workspace.resolve("task.tmp"),
					"---\nagent: patient\npriority: 5\nbudget_tokens: 5\n---\n\nHeld back " + i + "\n");
			Files.move(task, workspace.resolve("tasks").resolve(id + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);
		}
		// Known to this process, records and all, before the task behind them is made (and its id handed out).
		await().atMost(PATIENCE).until(() -> java.util.stream.IntStream.range(950, 970)
			.mapToObj((n) -> this.store.index().find(TaskId.parse("task_" + n).orElseThrow()))
			.allMatch((task) -> task.isPresent() && task.get().history().size() == 1));
		String brief = "Behind #" + UUID.randomUUID().toString().substring(0, 8);
		endpoint.reply(ModelReply.text(brief).usage(9, 3));

		Task behind = finished(create("Behind them.", "patient"));

		assertThat(behind.state()).as("behind (error: %s)", behind.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(behind.id())).hasValue(brief);
		assertThat(this.store.index().find(TaskId.parse("task_950").orElseThrow()).orElseThrow().state())
			.as("held by its own budget").isEqualTo(TaskState.PENDING);
	}

	@Test
	void aRecordAnotherProcessWroteCountsTowardTheTotals() throws Exception {
		TaskId id = create("Done elsewhere.", "elsewhere");
		Instant now = CLOCK.instant();
		String record = "{\"number\":1,\"outcome\":\"ERROR\",\"agent\":\"elsewhere\",\"startedAt\":\"" + now
				+ "\",\"finishedAt\":\"" + now + "\",\"error\":\"crashed\",\"model\":\"other-model\","
				+ "\"tokens\":{\"prompt\":600,\"completion\":400,\"total\":1000}}";
		Path written = Files.writeString(workspace.resolve("record.tmp"), record);
		Files.move(written, workspace.resolve(".spool/attempts/" + id + ".1.json"), StandardCopyOption.ATOMIC_MOVE);

		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode row = row(json("/api/usage?days=1").path("days"), "elsewhere");
			assertThat(row.path("tokens").path("total").asLong()).isEqualTo(1000);
			assertThat(row.path("model").asString()).isEqualTo("other-model");
			assertThat(row.has("costUsd") && !row.path("costUsd").isNull()).as("no price for other-model").isFalse();
		});
		assertThat(json("/api/tasks/" + id).path("totalTokens").path("total").asLong()).isEqualTo(1000);
	}

	@Test
	void anAgentsDailyBudgetStopsNewClaimsUntilTheNextUtcDay() throws Exception {
		endpoint.reply(ModelReply.text("Four.").usage(80, 40));
		finished( create("Two plus two?", "thrifty"));
		int requests = endpoint.requestCount();

		TaskId waiting = create("Three plus three?", "thrifty");
		String reason = "budget: thrifty spent 120 of 100 tokens today (budget_daily_tokens)";
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(json("/api/tasks/" + waiting).path("waiting").asString()).isEqualTo(reason));
		assertThat(this.store.index().find(waiting).orElseThrow().state()).isEqualTo(TaskState.PENDING);
		assertThat(endpoint.requestCount()).as("no call for the waiting task").isEqualTo(requests);
		assertThat(page("/")).contains(reason);
		assertThat(page("/tasks/" + waiting)).contains("Waits for budget").contains(reason);
		assertThat(page("/agents")).contains("120 tokens of 100 (budget spent");
		JsonNode thrifty = row(json("/api/usage").path("agents"), "thrifty");
		assertThat(thrifty.path("spent").asBoolean()).isTrue();
		assertThat(thrifty.path("budget").asLong()).isEqualTo(100);

		endpoint.reply(ModelReply.text("Six.").usage(10, 5));
		CLOCK.advance(Duration.ofDays(1));

		Task done = finished( waiting);
		assertThat(done.state()).isEqualTo(TaskState.DONE);
		assertThat(json("/api/tasks/" + waiting).has("waiting")).isFalse();
	}

	@Test
	void aTaskThatCrossesItsBudgetWhileStreamingFailsWithReasonBudget() throws Exception {
		List<String> pieces = new ArrayList<>();
		for (int i = 1; i <= 60; i++) {
			pieces.add("Piece " + i + " of a long and costly answer. ");
		}
		String whole = String.join("", pieces);
		endpoint.reply(ModelReply.text(pieces.toArray(String[]::new)).usage(20, 500));
		int requests = endpoint.requestCount();
		TaskId id = TaskId.parse("task_900").orElseThrow();
		Path file = Files.writeString(workspace.resolve("task.tmp"),
				"---\nagent: tester\nbudget_tokens: 40\n---\n\nWrite at length.\n");
		Files.move(file, workspace.resolve("tasks").resolve(id + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);

		Task task = finished( id);

		assertThat(task.state()).isEqualTo(TaskState.FAILED);
		assertThat(task.history()).as("one attempt, not retried though max-attempts is 2").hasSize(1);
		Attempt stopped = task.history().get(0);
		assertThat(stopped.error()).startsWith("budget: task_900 used more than its 40 tokens (budget_tokens)");
		assertThat(stopped.tokens().estimated()).isTrue();
		assertThat(stopped.tokens().total()).as("the stream was cut soon after the budget was crossed")
			.isGreaterThan(40)
			.isLessThan(60);
		assertThat(stopped.tokens().completion()).isLessThan(whole.length() / 4);
		assertThat(endpoint.requestCount()).isEqualTo(requests + 1);
		assertThat(workspace.resolve("outputs").resolve(id + "_result.md")).doesNotExist();
		assertThat(json("/api/tasks/" + id).path("error").asString()).startsWith("budget:");
		assertThat(this.model.lastOutcome().map((outcome) -> String.valueOf(outcome.error())).orElse(""))
			.as("a cut for budget says nothing about the endpoint's health")
			.doesNotContain("budget");

		// A person's retry gives a fresh budget, as it gives fresh attempts: the task is taken again, not held.
		String brief = "Brief #" + UUID.randomUUID().toString().substring(0, 8);
		endpoint.reply(ModelReply.text(brief).usage(12, 6));
		this.store.retry(id);
		Task retried = finished(id);
		assertThat(retried.state()).as("retried (error: %s)", retried.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(id)).hasValue(brief);
	}

	/** Waits until the task is done or failed and the record that says so is in its history. */
	private Task finished(TaskId id) {
		return await().atMost(PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> this.store.index().find(id),
				(task) -> task.isPresent() && isRecorded(task.get())).orElseThrow();
	}

	private static boolean isRecorded(Task task) {
		if (!task.state().isFinished() || task.history().isEmpty()) {
			return false;
		}
		Attempt last = task.history().get(task.history().size() - 1);
		return switch (task.state()) {
			case DONE -> last.outcome() == Attempt.Outcome.DONE;
			case FAILED -> last.error() != null && (last.error().startsWith("budget:")
					|| ModelEndpointTests.LAST_ATTEMPT.matcher(last.error()).find());
			default -> true;
		};
	}

	private TaskId create(String prompt, String agent) {
		return this.store.create(aTask(prompt).forAgent(agent).build()).id();
	}

	private JsonNode json(String path) throws Exception {
		return JSON.readTree(this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse()
			.getContentAsString(StandardCharsets.UTF_8));
	}

	private String page(String path) throws Exception {
		return this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
	}

	private long todayOf(String agent) throws Exception {
		for (JsonNode row : json("/api/usage").path("agents")) {
			if (row.path("agent").asString().equals(agent)) {
				return row.path("today").path("total").asLong();
			}
		}
		return 0;
	}

	private static JsonNode row(JsonNode rows, String agent) {
		for (JsonNode row : rows) {
			if (row.path("agent").asString().equals(agent)) {
				return row;
			}
		}
		throw new AssertionError("no row for " + agent + " in " + rows);
	}

	private static String recordText(TaskId id, int number) {
		try {
			return Files.readString(workspace.resolve(".spool/attempts/" + id + "." + number + ".json"));
		}
		catch (IOException ex) {
			throw new AssertionError(ex);
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		Clock testClock() {
			return CLOCK;
		}

	}

}
