package dev.spool.goal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An orchestrator whose definition lists {@code tools: [spool]} works a goal as a conversation: it submits steps,
 * waits for them holding nothing, reads their answers, redoes a step that fell short, and writes the goal's answer
 * itself. A model whose endpoint refuses tools gets the goal planned once instead. The model is a local stub of the
 * OpenAI API; every answer names its request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.max-attempts=2", "spool.retry-backoff=50ms", "spool.max-plan-steps=4" })
@DirtiesContext
class GoalConversationTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final Path workspace = folder();

	static ModelStub model;

	/** Holds the first step's answer until the test saw the goal put aside, so that it waits for certain. */
	static final CountDownLatch goalWaiting = new CountDownLatch(1);

	static Path folder() {
		try {
			return Files.createTempDirectory("spool-goal-conversation-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@BeforeAll
	static void start() throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(agents.resolve("orchestrator.md"),
				"---\nroles: [planner]\ntools: [spool]\n---\nYou lead the owl survey.\n");
		Files.writeString(agents.resolve("hand.md"), "---\nconcurrency: 2\n---\nYou do one step.\n");
		model = ModelStub.start().otherwise(GoalConversationTests::answer);
	}

	@AfterAll
	static void stop() {
		model.close();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
	}

	@Autowired
	TaskStore store;

	@Autowired
	GoalViews goals;

	@Test
	void theOrchestratorSubmitsStepsWaitsReadsRedoesOneAndAnswersTheGoalItself() throws Exception {
		Task goal = this.store.create(NewTask.goal("census: the owls of the wood", "Owl census", 0, null));

		Task waiting = await().atMost(PATIENCE)
			.until(() -> this.store.index().find(goal.id()).orElse(null),
					(task) -> task != null && task.state() == TaskState.WAITING);
		assertThat(waiting.file().fileName()).isEqualTo(goal.id() + "_waiting_orchestrator.md");
		goalWaiting.countDown();
		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		List<Task> steps = this.store.index()
			.queries()
			.children(goal.id())
			.stream()
			.sorted(Comparator.comparing(Task::id))
			.toList();
		assertThat(steps).extracting((step) -> step.document().goal().step()).containsExactly("1", "2", "3");
		assertThat(steps).extracting((step) -> step.document().prompt())
			.containsExactly("step: find the owls", "step: count the owls", "step: count the owls again, carefully");
		String output = Files.readString(workspace.resolve("outputs").resolve(goal.id() + "_result.md"));
		assertThat(output).contains("Census: ")
			.contains("Done: step: find the owls")
			.contains("Done: step: count the owls again, carefully")
			.doesNotContain("Done: step: count the owls (");
		// Put aside at least while the first two ran; the redone step may have ended before its wait was asked.
		assertThat(done.history()).extracting(Attempt::outcome)
			.startsWith(Attempt.Outcome.WAITED)
			.endsWith(Attempt.Outcome.DONE)
			.containsOnly(Attempt.Outcome.WAITED, Attempt.Outcome.DONE);
		assertThat(workspace.resolve(".spool/plans").resolve(goal.id() + ".json")).doesNotExist();
		List<ModelRequest> asked = orchestratorRequests("census: the owls");
		assertThat(asked).hasSize(5);
		assertThat(asked.get(0).tools()).contains("submit_step", "wait_task", "read_answer").doesNotContain("submit_task");
		assertThat(asked.get(4).messagesFrom("tool")).as("every result so far, never restarted").hasSize(6);
		// The stub reports no usage, as some servers do not: every call of the orchestrator is counted by estimate.
		assertThat(done.history()).allSatisfy((entry) -> {
			assertThat(entry.agent()).isEqualTo("orchestrator");
			assertThat(entry.tokens()).as("what the orchestrator's calls used (%s)", entry.outcome()).isNotNull();
			assertThat(entry.tokens().estimated()).isTrue();
			assertThat(entry.tokens().total()).isPositive();
		});
		GoalView view = this.goals.find(goal.id()).orElseThrow();
		assertThat(view.planned()).isTrue();
		assertThat(view.steps()).extracting(GoalView.Step::taskId)
			.containsExactlyElementsOf(steps.stream().map((step) -> step.id().text()).toList());
	}

	@Test
	void aModelWhoseEndpointRefusesToolsHasTheGoalPlannedOnceInstead() throws Exception {
		Task goal = this.store.create(NewTask.goal("tiny: plan the nests", "Nests", 0, null));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(workspace.resolve(".spool/plans").resolve(goal.id() + ".json")).exists();
		assertThat(workspace.resolve(".spool/conversations").resolve(goal.id() + ".jsonl")).doesNotExist();
		assertThat(Files.readString(workspace.resolve("outputs").resolve(goal.id() + "_result.md")))
			.contains("Combined: ");
		assertThat(done.history()).extracting(Attempt::outcome).contains(Attempt.Outcome.PLANNED)
			.doesNotContain(Attempt.Outcome.ERROR);
	}

	@Test
	void aGoalWhoseCallsFailCountsWhatEachCallSent() {
		Task goal = this.store.create(NewTask.goal("broken: survey the hawks", "Hawks", 0, null));

		Task failed = finished(goal.id());

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		// The last attempt's record is written just after the rename to failed: the index may see the rename first.
		await().atMost(PATIENCE).untilAsserted(() -> {
			List<Attempt> errors = this.store.index().find(goal.id()).orElseThrow().history()
				.stream()
				.filter((entry) -> entry.outcome() == Attempt.Outcome.ERROR)
				.toList();
			assertThat(errors).as("one per attempt (spool.max-attempts=2)").hasSize(2).allSatisfy((entry) -> {
				assertThat(entry.agent()).isEqualTo("orchestrator");
				assertThat(entry.tokens()).as("what the failed call sent").isNotNull();
				assertThat(entry.tokens().completion()).isZero();
				assertThat(entry.tokens().prompt()).isPositive();
			});
		});
	}

	@Test
	void theToolsEndpointRefusalIsToldApartFromOtherErrors() {
		assertThat(GoalPlanner.refusesTools(
				"the model endpoint answered HTTP 400: registry.ollama.ai/library/tiny does not support tools"))
			.isTrue();
		assertThat(GoalPlanner.refusesTools("\"auto\" tool choice requires --enable-auto-tool-choice")).isTrue();
		assertThat(GoalPlanner.refusesTools("the model endpoint answered HTTP 500: out of memory")).isFalse();
	}

	private List<ModelRequest> orchestratorRequests(String goal) {
		return model.requests()
			.stream()
			.filter((request) -> request.system() != null && request.system().contains("You lead the owl survey")
					&& request.messagesFrom("user").get(0).text().contains(goal))
			.toList();
	}

	private Task finished(TaskId id) {
		return await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).orElse(null),
					(task) -> task != null && task.state().isFinished() && task.lastDone() != null
							|| task != null && task.state() == TaskState.FAILED && task.error() != null);
	}

	/** The orchestrator by how many results it has read; the hand by the step's words. */
	static ModelReply answer(ModelRequest request) {
		String user = request.messagesFrom("user").get(0).text();
		List<ModelRequest.Message> results = request.messagesFrom("tool");
		int n = request.number();
		if (user.startsWith("tiny:")) {
			if (!request.tools().isEmpty()) {
				return ModelReply.error(400, "registry.ollama.ai/library/tiny does not support tools");
			}
			return ModelReply.text("{\"steps\": [{\"title\": \"Nest\", \"prompt\": \"step: list the nests\"}]}");
		}
		if (user.startsWith("broken:")) {
			return ModelReply.error(500, "the model crashed on purpose");
		}
		if (user.startsWith("census:")) {
			return switch (results.size()) {
				case 0 -> ModelReply.toolCalls(step("call_1", "step: find the owls"), step("call_2", "step: count the owls"));
				case 2 -> ModelReply.toolCalls(waitFor("call_w1", id(results.get(0))), waitFor("call_w2", id(results.get(1))));
				case 4 -> ModelReply.toolCalls(step("call_3", "step: count the owls again, carefully"));
				case 5 -> ModelReply.toolCalls(waitFor("call_w3", id(results.get(4))));
				default -> ModelReply.text("Census: " + answerOf(results.get(2)) + " / " + answerOf(results.get(5))
						+ " (request " + n + ")");
			};
		}
		if (user.contains("Combine the results")) {
			return ModelReply.text("Combined: the nests (request " + n + ")");
		}
		if (user.equals("step: find the owls")) {
			try {
				goalWaiting.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return ModelReply.text("Done: " + user + " (request " + n + ")");
	}

	private static ModelStub.ToolCall step(String id, String prompt) {
		return new ModelStub.ToolCall(id, "submit_step", "{\"prompt\": \"" + prompt + "\"}");
	}

	private static ModelStub.ToolCall waitFor(String id, String task) {
		return new ModelStub.ToolCall(id, "wait_task", "{\"id\": \"" + task + "\"}");
	}

	private static String id(ModelRequest.Message result) {
		return JSON.readTree(result.text()).path("id").asString();
	}

	private static String answerOf(ModelRequest.Message result) {
		return JSON.readTree(result.text()).path("answer").asString();
	}

}
