package dev.spool.mcpclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.web.TestWorkspaces;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import static dev.spool.mcpclient.TestMcpServers.everything;
import static dev.spool.mcpclient.TestMcpServers.writeMcpJson;
import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An agent that lists an MCP server in its {@code tools:} is lent that server's tools: its model calls the real
 * {@code server-everything}'s echo through Spool, and the echo comes back to it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.max-retries=0",
				"spool.retry-backoff=50ms" })
@DirtiesContext
class AgentsUseServerToolsTests {

	private static final Path WORKSPACE = TestWorkspaces.create("agents-use-servers");

	private static final ModelStub model = ModelStub.start().otherwise(AgentsUseServerToolsTests::answer);

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) throws Exception {
		writeMcpJson(WORKSPACE, Map.of("everything", everything()));
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("echoist.md"), "---\nroles: [echo]\ntools: [everything]\n---\nYou echo.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spring.ai.openai.base-url", model::baseUrl);
	}

	@AfterAll
	static void stop() {
		model.close();
	}

	@Autowired
	TaskStore store;

	@Test
	void theModelCallsTheServersToolThroughSpoolAndReadsItsAnswer() throws Exception {
		Task task = this.store.create(aTask("echo: owls at dusk").forRole("echo").build());

		Task done = await().atMost(Duration.ofSeconds(60))
			.until(() -> this.store.index().find(task.id()).orElse(null),
					(found) -> found != null && found.state().isFinished());

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

	private static ModelReply answer(ModelRequest request) {
		List<String> results = request.messagesFrom("tool").stream().map(ModelRequest.Message::text).toList();
		if (results.isEmpty() && request.prompt().startsWith("echo: ")) {
			return ModelReply.toolCalls(ModelStub.ToolCall.of("everything__echo",
					"{\"message\": \"" + request.prompt().substring("echo: ".length()) + "\"}"));
		}
		return ModelReply.text("Heard: " + String.join(" | ", results) + " (request " + request.number() + ")");
	}

}
