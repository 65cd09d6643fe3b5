package dev.spool.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelStub;
import dev.spool.ModelReply;
import dev.spool.SpoolApplication;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.ResourcePropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One setting turns the log into JSON lines, and a line about a task carries the task and the agent as fields. */
@ExtendWith(OutputCaptureExtension.class)
class StructuredLogTests {

	@TempDir
	Path workspace;

	/**
	 * Puts the usual log format back: the logging system is one per JVM, and contexts cached by other test classes
	 * would otherwise go on writing JSON, which their checks for " ERROR " lines cannot read.
	 */
	@AfterEach
	void restoreTheUsualLogFormat() throws IOException {
		// Spring Boot hands the format to Logback as a system property, which outlives the context that set it.
		System.clearProperty(LoggingSystemProperty.CONSOLE_STRUCTURED_FORMAT.getEnvironmentVariableName());
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addLast(new ResourcePropertySource("classpath:application.properties"));
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.cleanUp();
		logging.beforeInitialize();
		logging.initialize(new LoggingInitializationContext(environment), null, null);
	}

	/**
	 * Lets the application below set up the logging system: Spring Boot leaves alone one that a context still open
	 * in this JVM set up (one cached by a test class that ran before in the same fork), which kept the plain format.
	 */
	@BeforeEach
	void letTheApplicationSetUpLogging() {
		LoggingSystem.get(getClass().getClassLoader()).cleanUp();
	}

	@Test
	void withStructuredLoggingALineAboutATaskIsJsonNamingTheTaskAndTheAgent(CapturedOutput output) throws Exception {
		Files.createDirectories(this.workspace.resolve("agents"));
		Files.writeString(this.workspace.resolve("agents/logger.md"), "---\nconcurrency: 1\n---\nYou log.\n");
		String reason = "overloaded " + UUID.randomUUID();
		try (ModelStub endpoint = ModelStub.start().reply(ModelReply.error(500, reason))) {
			try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class).run(
					"--server.port=0", "--spool.workspace=" + this.workspace, "--spring.ai.openai.api-key=test",
					"--spring.ai.openai.base-url=" + endpoint.baseUrl(), "--spring.ai.openai.max-retries=0",
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

	@Test
	void theUsualFormatComesBackForTheTestsThatFollow(CapturedOutput output) throws IOException {
		StandardEnvironment structured = new StandardEnvironment();
		structured.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("logging.structured.format.console", "ecs")));
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.cleanUp();
		logging.beforeInitialize();
		logging.initialize(new LoggingInitializationContext(structured), null, null);
		String json = "as json " + UUID.randomUUID();
		LogFactory.getLog(StructuredLogTests.class).warn(json);

		restoreTheUsualLogFormat();
		String plain = "plain again " + UUID.randomUUID();
		LogFactory.getLog(StructuredLogTests.class).warn(plain);

		assertThat(output.getOut().lines().filter((line) -> line.contains(json))).singleElement()
			.asString()
			.startsWith("{");
		assertThat(output.getOut().lines().filter((line) -> line.contains(plain))).singleElement()
			.asString()
			.doesNotStartWith("{")
			.contains(" WARN ");
	}

	private static List<JsonNode> jsonLinesWith(CapturedOutput output, String text) {
		return output.getOut()
			.lines()
			.filter((line) -> line.startsWith("{") && line.contains(text))
			.map(JsonMapper.shared()::readTree)
			.toList();
	}

}
