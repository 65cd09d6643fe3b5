package dev.spool.mcpclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.web.TestWorkspaces;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import static dev.spool.mcpclient.TestMcpServers.everything;
import static dev.spool.mcpclient.TestMcpServers.writeMcpJson;
import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An agent that lists an MCP server in its {@code tools:} is lent that server's tools: its model calls the real
 * {@code server-everything}'s echo through Spool, and the echo comes back to it. A listed server that does not start
 * lends nothing; the attempt goes on with the rest, and its record says which server and why.
 */
@SpringBootTest(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.max-retries=0",
				"spool.retry-backoff=50ms" })
@AutoConfigureMockMvc
@DirtiesContext
class AgentsUseServerToolsTests {

	private static final Path WORKSPACE = TestWorkspaces.create("agents-use-servers");

	/** Started for each run of the class, as a rerun of a failed test starts a new context after this one closed. */
	private static ModelStub model;

	@BeforeAll
	static void start() {
		model = ModelStub.start().otherwise(AgentsUseServerToolsTests::answer);
	}

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) throws Exception {
		writeMcpJson(WORKSPACE, Map.of("everything", everything(), "missing",
				Map.of("command", "no-such-mcp-server-program")));
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("echoist.md"), "---\nroles: [echo]\ntools: [everything]\n---\nYou echo.\n");
		Files.writeString(agents.resolve("hopeful.md"),
				"---\nroles: [hope]\ntools: [missing, everything]\n---\nYou echo what you can.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
	}

	@AfterAll
	static void stop() {
		model.close();
	}

	@Autowired
	TaskStore store;

	@Autowired
	MockMvc mvc;

	@Test
	void theModelCallsTheServersToolThroughSpoolAndReadsItsAnswer() throws Exception {
		Task task = this.store.create(aTask("echo: owls at dusk").forRole("echo").build());

		Task done = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.store.index().find(task.id()).orElse(null),
					// A done task's answer is linked into outputs/ a moment after its rename.
					(found) -> found != null && found.state().isFinished()
							&& (found.state() != TaskState.DONE || found.hasOutput()));

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(Files.readString(WORKSPACE.resolve("outputs").resolve(task.id() + "_result.md")))
			.contains("Heard: Echo: owls at dusk");
		ModelRequest first = model.requests()
			.stream()
			.filter((request) -> request.prompt().startsWith("echo: owls at dusk"))
			.findFirst()
			.orElseThrow();
		assertThat(first.tools()).contains("everything__echo").doesNotContain("submit_task");
	}

	@Test
	void aListedServerWhoseProgramDoesNotExistIsNamedInTheAttemptsRecordAndTheAttemptGoesOnWithTheRest()
			throws Exception {
		Task task = this.store.create(aTask("echo: owls, hopefully").forRole("hope").build());

		Task done = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.store.index().find(task.id()).orElse(null),
					(found) -> found != null && found.state().isFinished() && !found.history().isEmpty()
							&& (found.state() != TaskState.DONE || found.hasOutput()));

		assertThat(done.state()).as("task (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(task.id()).orElseThrow()).contains("Heard: Echo: owls, hopefully");
		String why = "MCP server 'missing' did not start: ";
		assertThat(done.history()).singleElement().satisfies((attempt) -> {
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.DONE);
			assertThat(attempt.warnings()).singleElement(InstanceOfAssertFactories.STRING)
				.startsWith(why)
				.contains("'no-such-mcp-server-program' not found on Spool's PATH");
		});
		assertThat(Files.readString(WORKSPACE.resolve(".spool/attempts").resolve(task.id() + ".1.json")))
			.contains("\"warnings\"").contains(why);
		this.mvc.perform(get("/api/tasks/" + task.id()))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.history[0].warnings[0]", startsWith(why)));
		this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("Warning: " + why.replace("'", "&#39;"))));
		ModelRequest first = model.requests()
			.stream()
			.filter((request) -> request.prompt().startsWith("echo: owls, hopefully"))
			.findFirst()
			.orElseThrow();
		assertThat(first.tools()).contains("everything__echo");
	}

	private static ModelReply answer(ModelRequest request) {
		List<String> results = request.messagesFrom("tool").stream().map(ModelRequest.Message::text).toList();
		if (results.isEmpty() && request.prompt().startsWith("echo: ")) {
			return ModelReply.toolCalls(ModelStub.ToolCall.of("everything__echo",
					"{\"message\": \"" + request.prompt().substring("echo: ".length()) + "\"}"));
		}
		return ModelReply.text("Heard: " + String.join(" | ", results) + " (request " + request.number() + ")");
	}

}
