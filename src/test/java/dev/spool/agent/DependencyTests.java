package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Routing by role and the dependencies between tasks, against an OpenAI-compatible endpoint played by a
 * {@link ModelStub}: who takes a task, what its model call is given, and how a failed or cancelled dependency
 * fails the tasks that wait for it. Every answer of the endpoint is numbered, so no two are alike.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@AutoConfigureMockMvc
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.retry-backoff=50ms", "spool.heartbeat-interval=300ms",
		"spool.rescan-interval=500ms", "spool.task-timeout=10s" })
@DirtiesContext
class DependencyTests {

	static final Duration PATIENCE = Duration.ofSeconds(15);

	@TempDir
	static Path workspaces;

	/** Answers every request with a numbered answer that quotes the prompt's last line. */
	static Function<ModelRequest, ModelReply> numbered(AtomicInteger counter) {
		return (request) -> {
			String last = request.prompt().strip().lines().reduce((first, second) -> second).orElse("");
			return ModelReply.text("Answer " + counter.incrementAndGet() + " to '" + last + "'");
		};
	}

	static void defineAgent(Path workspace, String name, String roles) throws IOException {
		Files.writeString(workspace.resolve("agents").resolve(name + ".md"),
				"---\nconcurrency: 1\nroles: " + roles + "\n---\n" + ModelEndpointTests.SYSTEM_PROMPT + "\n");
	}

	@Nested
	class WhenDependenciesSucceed {

		static ModelStub endpoint;

		static final AtomicInteger answers = new AtomicInteger();

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("succeed"));
			defineAgent(workspaces.resolve("succeed"), "tester", "[writer]");
			defineAgent(workspaces.resolve("succeed"), "reviewer_bot", "[reviewer, Editor]");
			endpoint.otherwise(numbered(answers));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("succeed"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		MockMvc mvc;

		@Test
		void theModelCallOfADependantCarriesEachDependencysOutputLabelledAndInOrderBeforeItsPrompt() {
			TaskId research = create("Find three facts about otters.", "Research", List.of());
			TaskId outline = create("Outline an essay about rivers.", null, List.of());
			TaskId essay = create("Write the essay from the facts and the outline.", "Essay",
					List.of(outline, research));

			assertThat(finished(essay).state()).isEqualTo(TaskState.DONE);
			String researchOutput = this.store.readOutput(research).orElseThrow();
			String outlineOutput = this.store.readOutput(outline).orElseThrow();
			assertThat(researchOutput).isNotEqualTo(outlineOutput);
			assertThat(promptEndingWith("Write the essay from the facts and the outline.")).isEqualTo("## Output of "
					+ outline + "\n\n" + outlineOutput + "\n\n## Output of " + research + " (Research)\n\n"
					+ researchOutput + "\n\n## Your task\n\nWrite the essay from the facts and the outline.");
			assertThat(promptEndingWith("Find three facts about otters.")).as("a task without dependencies")
				.isEqualTo("Find three facts about otters.");
		}

		@Test
		void aTaskWithARoleIsTakenOnlyByAnAgentListingIt() {
			List<TaskId> reviews = List.of(createWithRole("Review draft 1", "reviewer"),
					createWithRole("Review draft 2", "reviewer"), createWithRole("Review draft 3", "REVIEWER"),
					createWithRole("Edit draft 4", "editor"));
			List<TaskId> writing = List.of(createWithRole("Write draft 5", "writer"),
					createWithRole("Write draft 6", "writer"));

			reviews.forEach((id) -> assertThat(finished(id).owner()).as(id.text()).isEqualTo("reviewer_bot"));
			writing.forEach((id) -> assertThat(finished(id).owner()).as(id.text()).isEqualTo("tester"));
		}

		@Test
		void aRoleNoAgentListsIsRefusedAndNothingIsWritten() throws Exception {
			long before = taskFiles();
			String body = this.mvc
				.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
					.content("{\"prompt\":\"Translate this\",\"role\":\"translator\"}"))
				.andExpect(status().isBadRequest())
				.andReturn()
				.getResponse()
				.getContentAsString();

			assertThat(JsonMapper.shared().readTree(body).path("detail").asString())
				.contains("no agent lists the role 'translator'")
				.contains("Editor, reviewer, writer");
			this.mvc
				.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
					.content("{\"prompt\":\"Review this\",\"role\":\"reviewer\",\"agent\":\"tester\"}"))
				.andExpect(status().isBadRequest());
			assertThat(taskFiles()).isEqualTo(before);
		}

		@Test
		void theNewTaskFormTakesARoleAndRefusesOneNoAgentLists() throws Exception {
			long before = taskFiles();
			String refused = this.mvc
				.perform(post("/tasks").with(csrf()).param("prompt", "Translate this").param("role", "translator"))
				.andExpect(status().isBadRequest())
				.andReturn()
				.getResponse()
				.getContentAsString();
			assertThat(refused).contains("no agent lists the role &#39;translator&#39;");
			assertThat(taskFiles()).isEqualTo(before);

			String location = this.mvc
				.perform(post("/tasks").with(csrf()).param("prompt", "Review the form").param("role", "reviewer"))
				.andExpect(status().is3xxRedirection())
				.andReturn()
				.getResponse()
				.getRedirectedUrl();
			TaskId created = TaskId.parse(location.substring(location.indexOf("task_"))).orElseThrow();
			Task task = finished(created);
			assertThat(task.document().role()).isEqualTo("reviewer");
			assertThat(task.owner()).isEqualTo("reviewer_bot");
		}

		@Test
		void aTaskForAnAgentNeverSeenIsAcceptedAndFlaggedUntilAnOutsideAgentDoesItByMv() throws Exception {
			JsonNode created = submit("{\"prompt\":\"Count the files\",\"title\":\"Count\",\"agent\":\"shellbot\"}");
			String count = created.path("id").asString();
			assertThat(created.path("warning").asString()).startsWith("no agent named shellbot has been seen");
			JsonNode dependant = submit("{\"prompt\":\"Say how many files there are.\",\"dependsOn\":[\"" + count
					+ "\"]}");
			String say = dependant.path("id").asString();

			JsonNode waiting = getJson("/api/tasks/" + say);
			assertThat(waiting.path("status").asString()).isEqualTo("pending");
			assertThat(waiting.path("waitingFor").toString()).isEqualTo("[\"" + count + "\"]");
			assertThat(waiting.has("warning")).isFalse();
			String board = this.mvc.perform(get("/")).andReturn().getResponse().getContentAsString();
			assertThat(board).contains("waits for " + count).contains("no agent named shellbot has been seen");
			assertThat(page(say)).contains("Waits for").contains(">" + count + "</a>");

			shell("mv " + count + "_pending.md " + count + "_inprogress_shellbot.md");
			// An agent is seen by its claim (or its records): this one's claim is seen before it finishes.
			await().atMost(PATIENCE)
				.until(() -> getJson("/api/tasks/" + count).path("status").asString(), "inprogress"::equals);
			shell("printf '# 42 files\\n' > ../outputs/." + count + ".tmp && mv ../outputs/." + count + ".tmp ../outputs/"
					+ count + "_result.md && mv " + count + "_inprogress_shellbot.md " + count + "_done.md");

			Task done = finished(TaskId.parse(say).orElseThrow());
			assertThat(done.state()).isEqualTo(TaskState.DONE);
			assertThat(promptEndingWith("Say how many files there are.")).isEqualTo("## Output of " + count
					+ " (Count)\n\n# 42 files\n\n## Your task\n\nSay how many files there are.");
			assertThat(submit("{\"prompt\":\"Count again\",\"agent\":\"shellbot\"}").has("warning"))
				.as("shellbot has been seen now").isFalse();
			assertThat(getJson("/api/tasks/" + say).path("waitingFor").toString()).isEqualTo("[]");
		}

		private TaskId create(String prompt, String title, List<TaskId> dependsOn) {
			return this.store.create(aTask(prompt).titled(title).after(dependsOn).build()).id();
		}

		private TaskId createWithRole(String prompt, String role) {
			return this.store.create(aTask(prompt).forRole(role).build())
				.id();
		}

		private Task finished(TaskId id) {
			return ModelEndpointTests.finished(this.store, id);
		}

		private String promptEndingWith(String ending) {
			List<String> matching = endpoint.prompts().stream().filter((prompt) -> prompt.endsWith(ending)).toList();
			assertThat(matching).as("requests whose prompt ends with '%s'", ending).hasSize(1);
			return matching.get(0);
		}

		private JsonNode submit(String body) throws Exception {
			return JsonMapper.shared().readTree(this.mvc
				.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content(body))
				.andExpect(status().isCreated())
				.andReturn()
				.getResponse()
				.getContentAsString());
		}

		private JsonNode getJson(String path) throws Exception {
			return JsonMapper.shared()
				.readTree(this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse()
					.getContentAsString());
		}

		private String page(String id) throws Exception {
			return this.mvc.perform(get("/tasks/" + id)).andExpect(status().isOk()).andReturn().getResponse()
				.getContentAsString();
		}

		private long taskFiles() throws IOException {
			try (var files = Files.list(workspaces.resolve("succeed").resolve("tasks"))) {
				return files.count();
			}
		}

		private void shell(String command) throws Exception {
			Process process = new ProcessBuilder("bash", "-c", "set -e; cd tasks; " + command)
				.directory(workspaces.resolve("succeed").toFile())
				.redirectErrorStream(true)
				.start();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
		}

	}

	@Nested
	@TestPropertySource(properties = "spool.max-attempts=1")
	class WhenADependencyFails {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("fail"));
			endpoint.otherwise(ModelReply.error(500, "the model crashed"));
			Path tasks = Files.createDirectories(workspaces.resolve("fail").resolve("tasks"));
			Files.writeString(tasks.resolve("task_900_pending.md"), "---\ndepends_on: [task_901]\n---\nFirst half.\n");
			Files.writeString(tasks.resolve("task_901_pending.md"), "---\ndepends_on: [task_902]\n---\nSecond half.\n");
			Files.writeString(tasks.resolve("task_902_pending.md"), "---\ndepends_on: [task_900]\n---\nThird half.\n");
			Files.writeString(tasks.resolve("task_903_pending.md"), "---\ndepends_on: [task_903]\n---\nMyself.\n");
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("fail"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		MockMvc mvc;

		@Test
		void aFailedDependencyFailsItsDependantsTransitivelyWithoutCallingTheModelAndARetryDoesNotReviveThem()
				throws Exception {
			TaskId first = this.store.create(NewTask.of("Fetch the data.")).id();
			TaskId second = this.store.create(aTask("Clean the data.").after(first).build()).id();
			TaskId third = this.store.create(aTask("Chart the data.").after(second).build()).id();

			assertThat(ModelEndpointTests.finished(this.store, first).state()).isEqualTo(TaskState.FAILED);
			Task cleaned = failed(second);
			Task charted = failed(third);
			String cause = this.store.index().find(first).orElseThrow().error();
			assertThat(cause).contains("HTTP 500");
			assertThat(cleaned.error()).isEqualTo(first + " failed: " + cause);
			assertThat(charted.error()).isEqualTo(second + " failed: " + first + " failed: " + cause);
			assertThat(List.of(cleaned, charted)).allSatisfy((task) -> {
				assertThat(task.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.BLOCKED);
				assertThat(task.attempts()).isZero();
			});
			assertThat(endpoint.prompts()).filteredOn((prompt) -> prompt.contains("Clean") || prompt.contains("Chart"))
				.isEmpty();
			assertThat(page(first)).contains("2 tasks that depend on it").contains("retry them too");
			assertThat(page(second)).contains("a task it depends on failed or was cancelled");

			AtomicInteger answers = new AtomicInteger();
			endpoint.otherwise(numbered(answers));
			this.store.retry(first);
			assertThat(ModelEndpointTests.finished(this.store, first).state()).isEqualTo(TaskState.DONE);
			// A task that depends on the retried one now is released and answered: whatever would revive the old
			// dependants on the retry's success has had its turn.
			TaskId control = this.store.create(aTask("Report on the data.").after(first).build()).id();
			assertThat(ModelEndpointTests.finished(this.store, control).state()).isEqualTo(TaskState.DONE);
			assertThat(this.store.index().find(second).orElseThrow().state()).isEqualTo(TaskState.FAILED);
			assertThat(this.store.index().find(third).orElseThrow().state()).isEqualTo(TaskState.FAILED);
			assertThat(answers).as("the retry and the new task").hasValue(2);
		}

		@Test
		void aCancelledDependencyFailsItsDependants() {
			TaskId held = this.store.create(aTask("Wait for a person.").held().build()).id();
			TaskId dependant = this.store.create(aTask("Use it.").after(held).build()).id();
			assertThat(this.store.index().find(dependant).orElseThrow().state()).isEqualTo(TaskState.PENDING);

			this.store.cancel(held);

			assertThat(failed(dependant).error()).isEqualTo("depends on " + held + ", which was cancelled");
		}

		@Test
		void handWrittenCyclesAreFlaggedAndNeverClaimed() throws Exception {
			assertThat(getJson("/api/tasks/task_900").path("problem").asString())
				.isEqualTo("depends on itself through task_901 → task_902 → task_900");
			assertThat(getJson("/api/tasks/task_903").path("problem").asString()).isEqualTo("depends on itself");
			assertThat(this.mvc.perform(get("/")).andReturn().getResponse().getContentAsString())
				.contains("depends on itself through task_902 → task_900 → task_901");
			assertThat(page("task_901")).contains("depends on itself through task_902 → task_900 → task_901");
			// An agent asks the model for a task created after the cycles: it has looked at the queue they are in.
			this.store.create(aTask("Anything, after the cycles.").build());
			await().atMost(PATIENCE).until(() -> endpoint.prompts().contains("Anything, after the cycles."));
			assertThat(List.of("task_900", "task_901", "task_902", "task_903")).allSatisfy((id) -> assertThat(
					this.store.index().find(TaskId.parse(id).orElseThrow()).orElseThrow().state())
				.isEqualTo(TaskState.PENDING));
			assertThat(endpoint.prompts()).noneMatch((prompt) -> prompt.contains("half") || prompt.contains("Myself"));
		}

		@Test
		void dependingOnACycleOrOnItselfIsRefusedAtSubmission() throws Exception {
			for (String id : List.of("task_901", "task_903")) {
				String body = this.mvc
					.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
						.content("{\"prompt\":\"x\",\"dependsOn\":[\"" + id + "\"]}"))
					.andExpect(status().isBadRequest())
					.andReturn()
					.getResponse()
					.getContentAsString();
				assertThat(JsonMapper.shared().readTree(body).path("detail").asString())
					.startsWith("depends on " + id + ", which depends on itself");
			}
		}

		private Task failed(TaskId id) {
			return await().atMost(PATIENCE)
				.until(() -> this.store.index().find(id).orElseThrow(),
						(task) -> task.state() == TaskState.FAILED && task.error() != null);
		}

		private JsonNode getJson(String path) throws Exception {
			return JsonMapper.shared()
				.readTree(this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse()
					.getContentAsString());
		}

		private String page(TaskId id) throws Exception {
			return page(id.text());
		}

		private String page(String id) throws Exception {
			return this.mvc.perform(get("/tasks/" + id)).andExpect(status().isOk()).andReturn().getResponse()
				.getContentAsString();
		}

	}

}
