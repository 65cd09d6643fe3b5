package dev.spool.metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.SpoolApplication;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One setting turns the log into JSON lines, and a line about a task carries the task and the agent as fields. */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogTests {

	@TempDir
	Path workspace;

	@Test
	void withStructuredLoggingALineAboutATaskIsJsonNamingTheTaskAndTheAgent(CapturedOutput output) throws Exception {
		Files.createDirectories(this.workspace.resolve("agents"));
		Files.writeString(this.workspace.resolve("agents/logger.md"), "---\nconcurrency: 1\n---\nYou log.\n");
		String reason = "overloaded " + UUID.randomUUID();
		try (MockWebServer endpoint = new MockWebServer()) {
			endpoint.enqueue(new MockResponse().setResponseCode(500)
				.setHeader("Content-Type", "application/json")
				.setBody("{\"error\":{\"message\":\"" + reason + "\"}}"));
			endpoint.start();
			try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class).run(
					"--server.port=0", "--spool.workspace=" + this.workspace, "--spring.ai.openai.api-key=test",
					"--spring.ai.openai.base-url=" + endpoint.url("/v1"), "--spring.ai.openai.max-retries=0",
					"--spool.max-attempts=1", "--logging.structured.format.console=ecs")) {
				TaskStore store = spool.getBean(TaskStore.class);
				TaskId id = store.create(NewTask.of("Log this, " + UUID.randomUUID())).id();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> store.index().find(id).orElseThrow().state() == TaskState.FAILED);

				// The line is written just after the attempt is recorded.
				await().atMost(Duration.ofSeconds(10)).until(() -> !jsonLinesWith(output, reason).isEmpty());
				List<JsonNode> lines = jsonLinesWith(output, reason);
				assertThat(lines).allSatisfy((line) -> {
					assertThat(line.path("task").asString()).isEqualTo(id.text());
					assertThat(line.path("agent").asString()).isEqualTo("logger");
				});
			}
		}
	}

	private static List<JsonNode> jsonLinesWith(CapturedOutput output, String text) {
		return output.getOut()
			.lines()
			.filter((line) -> line.startsWith("{") && line.contains(text))
			.map(JsonMapper.shared()::readTree)
			.toList();
	}

}
