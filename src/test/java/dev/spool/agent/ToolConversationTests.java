package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.spool.workspace.TaskBuilder.aTask;
import static org.awaitility.Awaitility.await;

/**
 * A model agent that is lent tools works its task as a conversation Spool drives and records turn by turn: the model's
 * tool calls run, their results (errors included) go back to it, and a conversation cut off is resumed from its file
 * without running again what already ran. Every turn is streamed, so its text is seen live and metered as it comes.
 * The model is a local stub of the OpenAI API that speaks tool calls, whole and in streamed deltas.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.max-attempts=2", "spool.retry-backoff=50ms",
		"spool.max-tool-calls=6" })
@DirtiesContext
class ToolConversationTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final Path workspace = folder();

	static ModelStub model;

	static final AtomicInteger shouted = new AtomicInteger();

	/** Lets the waiter's tool return, once for each permit. */
	static final Semaphore holding = new Semaphore(0);

	static Path folder() {
		try {
			return Files.createTempDirectory("spool-tools-");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@BeforeAll
	static void start() throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(agents.resolve("toolsmith.md"), "---\nconcurrency: 2\nroles: [smith]\n---\nYou use tools.\n");
		Files.writeString(agents.resolve("delegator.md"),
				"---\nroles: [boss]\ntools: [spool]\n---\nYou hand work to others.\n");
		Files.writeString(agents.resolve("helper.md"), "---\nroles: [counter]\n---\nYou count.\n");
		Files.writeString(agents.resolve("waiter.md"), "---\nroles: [waiter]\n---\nYou wait.\n");
		model = ModelStub.start().otherwise(ToolConversationTests::answer);
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
	LiveAnswers live;

	@Test
	void theModelsToolCallsRunTheirResultsAndErrorsGoBackAndEveryStepIsInTheConversationFile() throws Exception {
		Task task = this.store.create(smith("shout: owls"));

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		String output = Files.readString(workspace.resolve("outputs").resolve(task.id() + "_result.md"));
		assertThat(output).contains("Heard: \"OWLS\" | ")
			.contains("there is no tool named 'whisper'; the tools are: shout")
			.contains("the tool shout failed: ");
		List<JsonNode> asked = requestsAbout("shout: owls");
		assertThat(asked).hasSize(2);
		assertThat(asked).allSatisfy((request) -> {
			assertThat(request.path("stream").asBoolean()).as("every turn is streamed").isTrue();
			assertThat(request.path("stream_options").path("include_usage").asBoolean()).isTrue();
			assertThat(request.path("model").asString()).as("the configured model").isEqualTo("test-model");
		});
		JsonNode second = asked.get(1).path("messages");
		List<String> roles = new ArrayList<>();
		second.forEach((message) -> roles.add(message.path("role").asString()));
		assertThat(roles).containsExactly("system", "user", "assistant", "tool", "tool", "tool");
		assertThat(second.get(3).path("tool_call_id").asString()).isEqualTo("call_shout_1");
		assertThat(asked.get(0).path("tools").toString()).contains("\"shout\"");
		List<String> lines = Files.readAllLines(conversation(task.id()));
		assertThat(lines).hasSize(4);
		assertThat(lines.get(0)).contains("\"role\":\"assistant\"").contains("call_shout_1").contains("call_whisper_2");
		assertThat(lines.get(1)).contains("\"id\":\"call_shout_1\"").contains("OWLS");
		Task recorded = await().atMost(PATIENCE).until(() -> this.store.index().find(task.id()).orElseThrow(),
				(found) -> !found.history().isEmpty() && found.history().get(0).tokens() != null);
		assertThat(recorded.history().get(0).tokens().total()).as("both turns' usage, as the stream reported it")
			.isEqualTo(2 * (30 + 4));
		assertThat(recorded.history().get(0).tokens().estimated()).as("estimated").isNotEqualTo(Boolean.TRUE);
	}

	@Test
	void twoToolCallsStreamedInDeltaChunksInOneTurnBothRunWithTheirWholeArguments() throws Exception {
		Task task = this.store.create(smith("twice: hoot and screech"));

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(task.id()).orElseThrow())
			.startsWith("Heard: \"HOOT, LOUDLY\" | \"SCREECH {AT NIGHT}\" (request ");
		assertThat(requestsAbout("twice: hoot and screech").get(0).path("stream").asBoolean()).as("streamed").isTrue();
		List<String> lines = Files.readAllLines(conversation(task.id()));
		assertThat(lines).hasSize(3);
		JsonNode turn = JSON.readTree(lines.get(0));
		assertThat(turn.path("tool_calls")).hasSize(2);
		assertThat(turn.path("tool_calls").get(0).path("id").asString()).isEqualTo("call_hoot");
		assertThat(turn.path("tool_calls").get(0).path("arguments").asString())
			.isEqualTo("{\"text\": \"hoot, loudly\"}");
		assertThat(turn.path("tool_calls").get(1).path("id").asString()).isEqualTo("call_screech");
		assertThat(turn.path("tool_calls").get(1).path("arguments").asString())
			.isEqualTo("{\"text\": \"screech {at night}\"}");
		assertThat(turn.path("text").asString()).isEqualTo("Two calls. ");
	}

	@Test
	void whatAToolUsingAgentSaysIsSeenLiveWhileItsToolRunsAndEachTurnAfterTheLast() throws Exception {
		Task task = this.store.create(aTask("wait: for the owls").forRole("waiter").build());

		// The turn's text, streamed before its tool call, is seen while the tool holds the conversation.
		await().atMost(PATIENCE).until(() -> this.live.current(task.id()).orElse(""),
				(text) -> text.equals("Let me wait for them. "));
		List<String> seen = new CopyOnWriteArrayList<>();
		this.live.follow(task.id(), LiveAnswersTests.listener(seen));
		assertThat(this.store.index().find(task.id()).orElseThrow().state()).isEqualTo(TaskState.IN_PROGRESS);
		holding.release();

		Task done = finished(task.id());
		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(task.id())).hasValue("The owls came after the wait.");
		await().atMost(PATIENCE).until(() -> seen.contains("<end>"));
		assertThat(seen).containsExactly("Let me wait for them. ", "\n\nThe owls came ", "after the wait.", "<end>");
	}

	@Test
	void aBudgetCrossedWhileAToolTurnStreamsStopsTheTurnBeforeItsToolsRun() throws Exception {
		int before = shouted.get();
		TaskId id = TaskId.of(950);
		writeTask("task_950_pending.md", "---\nrole: smith\nbudget_tokens: 40\n---\ncostly: think aloud\n");

		Task failed = finished(id);

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).startsWith("budget: task_950 used more than its 40 tokens (budget_tokens)");
		assertThat(failed.history()).hasSize(1);
		assertThat(failed.history().get(0).tokens().total()).as("cut soon after the budget was crossed")
			.isGreaterThan(40)
			.isLessThan(60);
		assertThat(shouted.get()).as("the turn's tool call never ran").isEqualTo(before);
		assertThat(conversation(id)).as("no turn was recorded").doesNotExist();
		assertThat(requestsAbout("costly: think aloud")).hasSize(1);
	}

	@Test
	void aConversationCutOffIsResumedFromItsFileWithoutRunningAgainWhatRan() throws Exception {
		// As a killed process leaves it: the turn asking for two calls recorded, the first answered, the second not.
		TaskId id = TaskId.of(900);
		Files.createDirectories(conversation(id).getParent());
		Files.writeString(conversation(id), """
				{"at":"2026-12-05T08:00:00Z","role":"assistant","text":"","tool_calls":[{"id":"call_a","name":"shout","arguments":"{\\"text\\":\\"ran before\\"}"},{"id":"call_b","name":"shout","arguments":"{\\"text\\":\\"cut off\\"}"}]}
				{"at":"2026-12-05T08:00:01Z","role":"tool","id":"call_a","name":"shout","content":"RAN BEFORE"}
				""");
		int before = shouted.get();

		Path tasks = workspace.resolve("tasks");
		Files.writeString(tasks.resolve(".task_900.tmp"), "---\nrole: smith\n---\nresume: the story so far\n");
		Files.move(tasks.resolve(".task_900.tmp"), tasks.resolve("task_900_pending.md"));

		Task done = finished(id);
		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(shouted.get() - before).as("only the call that had no result ran").isEqualTo(1);
		List<JsonNode> asked = requestsAbout("resume: the story so far");
		assertThat(asked).as("the model is asked once, with the whole conversation").hasSize(1);
		assertThat(asked.get(0).path("messages").toString()).contains("RAN BEFORE").contains("CUT OFF");
	}

	@Test
	void aModelThatKeepsCallingToolsIsStoppedAtTheLimitAndTheTaskFailsSayingSo() throws Exception {
		Task task = this.store.create(smith("forever: never done"));

		Task failed = finished(task.id());

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).isEqualTo(
				"the model asked for more than 6 tool calls in this task's conversation (spool.max-tool-calls)");
	}

	@Test
	void anAgentListingSpoolSubmitsASubtaskThatRecordsItsParentAndAnotherAgentAnswersIt() throws Exception {
		Task task = this.store.create(aTask("delegate: count the owls").forRole("boss").build());

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		List<JsonNode> asked = requestsAbout("delegate: count the owls");
		assertThat(asked.get(0).path("tools").toString()).contains("\"submit_task\"").contains("\"read_answer\"")
			.doesNotContain("\"shout\"");
		List<Task> children = this.store.index().queries().children(task.id());
		assertThat(children).hasSize(1);
		Task subtask = finished(children.get(0).id());
		assertThat(subtask.document().parent()).isEqualTo(task.id());
		assertThat(subtask.document().prompt()).startsWith("sub: how many owls");
		assertThat(subtask.state()).isEqualTo(TaskState.DONE);
		assertThat(subtask.owner()).isEqualTo("helper");
		assertThat(Files.readString(workspace.resolve("outputs").resolve(task.id() + "_result.md")))
			.contains("Delegated as " + subtask.id());
	}

	@Test
	void aSubtaskSubmittedJustBeforeACrashIsNotSubmittedAgainWhenTheConversationResumes() throws Exception {
		// The parent is held (for nobody) while the test sets the scene a process killed mid-call leaves behind.
		TaskId parent = TaskId.of(901);
		writeTask("task_901_pending.md", "---\nrole: boss\nagent: nobody\n---\ndelegate: only once\n");
		await().atMost(PATIENCE).until(() -> this.store.index().find(parent).isPresent());
		Files.createDirectories(conversation(parent).getParent());
		Files.writeString(conversation(parent), """
				{"at":"2026-12-05T09:00:00Z","role":"assistant","text":"","tool_calls":[{"id":"call_once","name":"submit_task","arguments":"{\\"prompt\\": \\"sub: counted once\\", \\"role\\": \\"counter\\"}"}]}
				""");
		// The call's effect was made; its result was never recorded.
		Task made = this.store.createOnce(parent, "call_once",
				aTask("sub: counted once").forRole("counter").build().withParent(parent));

		writeTask("task_901_pending.md", "---\nrole: boss\n---\ndelegate: only once\n");

		Task done = finished(parent);
		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.index().queries().children(parent)).extracting(Task::id).containsExactly(made.id());
		assertThat(Files.readString(workspace.resolve("outputs").resolve(parent + "_result.md")))
			.contains("Delegated as " + made.id());
	}

	private static void writeTask(String name, String content) throws IOException {
		Path tasks = workspace.resolve("tasks");
		Path temporary = tasks.resolve("." + name + ".tmp");
		Files.writeString(temporary, content);
		Files.move(temporary, tasks.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

	private static NewTask smith(String prompt) {
		return aTask(prompt).forRole("smith").build();
	}

	private static Path conversation(TaskId id) {
		return workspace.resolve(".spool").resolve("conversations").resolve(id.text() + ".jsonl");
	}

	private static List<JsonNode> requestsAbout(String prompt) {
		return model.requests()
			.stream()
			.filter((request) -> request.body().path("messages").toString().contains(prompt))
			.map(ModelRequest::body)
			.toList();
	}

	private Task finished(TaskId id) {
		return await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).orElse(null),
					// A failure's record follows its rename by a moment, as a done task's answer follows its commit.
					(task) -> task != null && task.state().isFinished()
							&& (task.state() != TaskState.FAILED || task.error() != null)
							&& (task.state() != TaskState.DONE || task.hasOutput()));
	}

	@TestConfiguration
	static class Tools {

		/** Lends the toolsmith one tool, which shouts what it is given, and fails on "fail". */
		@Bean
		AgentTools shoutTool() {
			record Words(String text) {
			}
			ToolCallback shout = FunctionToolCallback.builder("shout", (Words words) -> {
				if ("fail".equals(words.text())) {
					throw new IllegalStateException("cannot shout that");
				}
				shouted.incrementAndGet();
				return words.text().toUpperCase(Locale.ROOT);
			}).description("Shouts the text").inputType(Words.class).build();
			ToolCallback hold = FunctionToolCallback.builder("hold", (Words words) -> {
				try {
					return holding.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS) ? "held " + words.text()
							: "never let go";
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while holding", ex);
				}
			}).description("Holds until the test lets go").inputType(Words.class).build();
			return (request) -> switch (request.agent().name()) {
				case "toolsmith" -> List.of(shout);
				case "waiter" -> List.of(hold);
				default -> List.of();
			};
		}

	}

	/** The model: asks for tools by case, then answers with what the tools said. Every answer names its request. */
	static ModelReply answer(ModelRequest request) {
		String user = request.messagesFrom("user").get(0).text();
		List<String> results = request.messagesFrom("tool").stream().map(ModelRequest.Message::text).toList();
		int n = request.number();
		if (user.startsWith("forever:")) {
			return ModelReply.toolCalls(new ModelStub.ToolCall("call_" + n + "_x", "shout", "{\"text\": \"again " + n + "\"}"),
					new ModelStub.ToolCall("call_" + n + "_y", "shout", "{\"text\": \"more " + n + "\"}"));
		}
		if (user.startsWith("delegate:")) {
			return results.isEmpty()
					? ModelReply.toolCalls(new ModelStub.ToolCall("call_submit_" + n, "submit_task",
							"{\"prompt\": \"sub: how many owls (request " + n + ")\", \"role\": \"counter\"}"))
					: ModelReply.text("Delegated as " + JSON.readTree(results.get(0)).path("id").asString());
		}
		if (results.isEmpty() && user.startsWith("shout:")) {
			return ModelReply.toolCalls(new ModelStub.ToolCall("call_shout_1", "shout", "{\"text\": \"owls\"}"),
					new ModelStub.ToolCall("call_whisper_2", "whisper", "{}"),
					new ModelStub.ToolCall("call_fail_3", "shout", "{\"text\": \"fail\"}"))
				.usage(30, 4);
		}
		if (user.startsWith("twice:")) {
			return results.isEmpty() ? ModelReply.toolCalls(
					new ModelStub.ToolCall("call_hoot", "shout", "{\"text\": \"hoot, loudly\"}"),
					new ModelStub.ToolCall("call_screech", "shout", "{\"text\": \"screech {at night}\"}"))
				.saying("Two ", "calls. ")
					: ModelReply.text("Heard: " + String.join(" | ", results) + " (request " + n + ")");
		}
		if (user.startsWith("wait:")) {
			return results.isEmpty()
					? ModelReply.toolCalls(new ModelStub.ToolCall("call_hold", "hold", "{\"text\": \"owls\"}"))
						.saying("Let me wait ", "for them. ")
					: ModelReply.text("The owls came ", "after the wait.");
		}
		if (user.startsWith("costly:")) {
			List<String> pieces = new ArrayList<>();
			for (int i = 1; i <= 60; i++) {
				pieces.add("Thought " + i + " of a long and costly turn. ");
			}
			return ModelReply.toolCalls(new ModelStub.ToolCall("call_costly", "shout", "{\"text\": \"costly\"}"))
				.saying(pieces.toArray(String[]::new));
		}
		if (user.startsWith("sub:")) {
			return ModelReply.text("Eleven owls (request " + n + ")");
		}
		return ModelReply.text("Heard: ", String.join(" | ", results) + " (request " + n + ")").usage(30, 4);
	}

}
