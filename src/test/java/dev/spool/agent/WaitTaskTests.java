package dev.spool.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.NestedDispatches;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A model agent's {@code wait_task} holds no slot: the task is put aside in the waiting state with its conversation
 * kept, and the same agent resumes that conversation, with the waited tasks' results as the calls' results, once they
 * have ended. One agent with one slot can therefore delegate to itself. The model is a local stub of the OpenAI API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.max-attempts=1", "spool.retry-backoff=50ms" })
@DirtiesContext
@Import(NestedDispatches.class)
class WaitTaskTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final Path workspace = folder();

	static ModelStub model;

	static Path folder() {
		try {
			return Files.createTempDirectory("spool-wait-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@BeforeAll
	static void start() throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		// One slot: it must put its task aside to answer the subtasks it waits for.
		Files.writeString(agents.resolve("solo.md"),
				"---\nconcurrency: 1\nroles: [solo]\ntools: [spool]\n---\nYou split work and wait for it.\n");
		model = ModelStub.start().otherwise(WaitTaskTests::answer);
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
	Waits waits;

	@Test
	void anAgentWithOneSlotWaitsForTheSubtasksItSubmittedAndResumesTheSameConversationWithTheirAnswers()
			throws Exception {
		Task task = this.store.create(aTask("split: the owls").forRole("solo").build());

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		List<Task> children = this.store.index().queries().children(task.id());
		assertThat(children).as("each subtask submitted once").hasSize(2);
		String output = Files.readString(workspace.resolve("outputs").resolve(task.id() + "_result.md"));
		for (Task child : children) {
			assertThat(finished(child.id()).state()).isEqualTo(TaskState.DONE);
			assertThat(output).contains("Part done: part: " + child.document().prompt().substring(6));
		}
		assertThat(done.history()).extracting(Attempt::outcome)
			.containsExactly(Attempt.Outcome.WAITED, Attempt.Outcome.DONE);
		assertThat(done.history().get(0).error()).isEqualTo("waits for " + children.get(0).id() + ", "
				+ children.get(1).id());
		List<ModelRequest> asked = requestsAbout("split: the owls");
		assertThat(asked).as("asked to submit, to wait, then to combine").hasSize(3);
		assertThat(roles(asked.get(2))).as("the conversation resumed, never restarted")
			.containsExactly("system", "user", "assistant", "tool", "tool", "assistant", "tool", "tool");
		List<String> lines = Files.readAllLines(conversation(task.id()));
		assertThat(lines).hasSize(7);
		assertThat(lines.get(4)).contains("\"role\":\"wait\"").contains(children.get(0).id().text());
	}

	@Test
	void aWaitingTaskIsShownWithWhatItWaitsForAndCancellingItCancelsTheSubtaskItWaitsFor() throws Exception {
		Task task = this.store.create(aTask("hold: for nobody").forRole("solo").build());

		Task waiting = await().atMost(PATIENCE)
			.until(() -> this.store.index().find(task.id()).orElse(null),
					(found) -> found != null && found.state() == TaskState.WAITING);
		assertThat(waiting.file().fileName()).isEqualTo(task.id() + "_waiting_solo.md");
		assertThat(waiting.owner()).isEqualTo("solo");
		Task child = this.store.index().queries().children(task.id()).get(0);
		assertThat(this.waits.unfinished(waiting, this.store.index())).containsExactly(child.id());
		assertThat(child.state()).isEqualTo(TaskState.PENDING);

		this.store.cancel(task.id());

		assertThat(finished(child.id()).state()).as("the subtask no one will read").isEqualTo(TaskState.CANCELLED);
		assertThat(this.store.index().find(task.id()).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
		assertThat(NestedDispatches.seen()).as("changes heard inside another change's dispatch").isEmpty();
	}

	@Test
	void aFailedSubtasksErrorIsTheWaitsResultForTheModelToHandle() throws Exception {
		Task task = this.store.create(aTask("risk: the owls").forRole("solo").build());

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		Task child = this.store.index().queries().children(task.id()).get(0);
		assertThat(child.state()).isEqualTo(TaskState.FAILED);
		assertThat(Files.readString(workspace.resolve("outputs").resolve(task.id() + "_result.md")))
			.contains("The subtask " + child.id() + " failed: ").contains("the owls refused (request");
	}

	@Test
	void aWaitThatCouldNeverEndIsAToolErrorTheModelReads() throws Exception {
		Task task = this.store.create(aTask("loop: wait for myself").forRole("solo").build());

		Task done = finished(task.id());

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(Files.readString(workspace.resolve("outputs").resolve(task.id() + "_result.md")))
			.contains("a task cannot wait for itself").contains("no task task_99999");
		assertThat(done.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.DONE);
	}

	private static List<String> roles(ModelRequest request) {
		List<String> roles = new ArrayList<>();
		request.body().path("messages").forEach((message) -> roles.add(message.path("role").asString()));
		return roles;
	}

	private static Path conversation(TaskId id) {
		return workspace.resolve(".spool").resolve("conversations").resolve(id.text() + ".jsonl");
	}

	private static List<ModelRequest> requestsAbout(String prompt) {
		return model.requests()
			.stream()
			.filter((request) -> request.messagesFrom("user").get(0).text().contains(prompt))
			.toList();
	}

	/** The task once it ended, its answer in place and recorded, or its error recorded. */
	private Task finished(TaskId id) {
		return await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).orElse(null), (task) -> task != null && task.hasEnded()
					&& (task.state() != TaskState.FAILED || task.error() != null)
					&& (task.state() != TaskState.DONE || task.lastDone() != null));
	}

	/** The model, by the first words of the task's prompt; every answer names its request. */
	static ModelReply answer(ModelRequest request) {
		String user = request.messagesFrom("user").get(0).text();
		List<ModelRequest.Message> results = request.messagesFrom("tool");
		int n = request.number();
		if (user.startsWith("split:")) {
			if (results.isEmpty()) {
				return ModelReply.toolCalls(submit("call_a", "part: beaks " + n), submit("call_b", "part: wings " + n));
			}
			if (results.size() == 2) {
				return ModelReply.toolCalls(waitFor("call_wait_a", id(results.get(0))),
						waitFor("call_wait_b", id(results.get(1))));
			}
			return ModelReply.text("Combined (request " + n + "): " + answerOf(results.get(2)) + " / "
					+ answerOf(results.get(3)));
		}
		if (user.startsWith("hold:")) {
			return results.isEmpty()
					? ModelReply.toolCalls(new ModelStub.ToolCall("call_hold", "submit_task",
							"{\"prompt\": \"held: for an agent nobody runs\", \"agent\": \"nobody\"}"))
					: ModelReply.toolCalls(waitFor("call_wait_hold", id(results.get(0))));
		}
		if (user.startsWith("risk:")) {
			if (results.isEmpty()) {
				return ModelReply.toolCalls(submit("call_risk", "fail: the owls"));
			}
			if (results.size() == 1) {
				return ModelReply.toolCalls(waitFor("call_wait_risk", id(results.get(0))));
			}
			JsonNode waited = JSON.readTree(results.get(1).text());
			return ModelReply.text("The subtask " + waited.path("id").asString() + " " + waited.path("status").asString()
					+ ": " + waited.path("error").asString() + " (request " + n + ")");
		}
		if (user.startsWith("loop:")) {
			if (results.isEmpty()) {
				// The one slot's one task in progress is this one.
				return ModelReply.toolCalls(new ModelStub.ToolCall("call_self", "list_tasks",
						"{\"state\": \"inprogress\", \"limit\": 1}"));
			}
			if (results.size() == 1) {
				String self = JSON.readTree(results.get(0).text()).get(0).path("id").asString();
				return ModelReply.toolCalls(waitFor("call_wait_self", self), waitFor("call_wait_none", "task_99999"));
			}
			return ModelReply.text("Could not wait (request " + n + "): " + results.get(1).text() + " / "
					+ results.get(2).text());
		}
		if (user.startsWith("fail:")) {
			return ModelReply.error(400, "the owls refused (request " + n + ")");
		}
		if (user.startsWith("part:")) {
			return ModelReply.text("Part done: " + user + " (request " + n + ")");
		}
		return ModelReply.text("Unscripted (request " + n + ")");
	}

	private static ModelStub.ToolCall submit(String id, String prompt) {
		return new ModelStub.ToolCall(id, "submit_task", "{\"prompt\": \"" + prompt + "\", \"role\": \"solo\"}");
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
