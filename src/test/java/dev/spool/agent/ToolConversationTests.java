package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * without running again what already ran. The model is a local stub of the OpenAI API that speaks tool calls.
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
					(task) -> task != null && task.state().isFinished()
							&& (task.state() != TaskState.FAILED || task.error() != null));
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
			return (request) -> request.agent().name().equals("toolsmith") ? List.of(shout) : List.of();
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
					new ModelStub.ToolCall("call_fail_3", "shout", "{\"text\": \"fail\"}"));
		}
		if (user.startsWith("sub:")) {
			return ModelReply.text("Eleven owls (request " + n + ")");
		}
		return ModelReply.text("Heard: " + String.join(" | ", results) + " (request " + n + ")");
	}

}
