package dev.spool.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person watches a task whose agent uses Spool's tools: each tool call and its result appear on the open task page as
 * they are recorded, without a reload, then the answer; the page passes axe-core light and dark, and fits 400 px. The
 * model is a {@link ModelStub} that answers each step only when the test lets it, so the page is seen between steps.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.ai.openai.api-key=test")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ConversationBrowserTests {

	private static final Path WORKSPACE = TestWorkspaces.create("conversation");

	private static final String LOOKUP = "LOOKUP";

	private static final String MARKUP = "<img src=x onerror=window.pwned=1> tagged";

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	/** One permit lets the model answer one request of the journey's task. */
	private static final Semaphore steps = new Semaphore(0);

	/** Started before the context, and again for a rerun: the context reads its address when it starts. */
	private static ModelStub model;

	private static BrowserSupport browser;

	/** The task the model's first call reads: its prompt holds markup, which the page must show as text. */
	private static volatile String other;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) throws Exception {
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("converser.md"), "---\ntools: [spool]\n---\nYou look things up.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
		registry.add("spring.ai.openai.max-retries", () -> "0");
		registry.add("spool.max-attempts", () -> "1");
		registry.add("spool.stale-after", () -> "60s");
	}

	@LocalServerPort
	int port;

	@BeforeAll
	static void startTheModelAndTheBrowser() {
		steps.drainPermits();
		model = ModelStub.start().when((request) -> request.prompt().startsWith(LOOKUP), ConversationBrowserTests::lookUp);
		browser = BrowserSupport.start();
	}

	@AfterAll
	static void stopTheBrowserAndTheModel() {
		steps.release(100);
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			model.close();
		}
	}

	@Test
	void eachToolCallAndItsResultAppearAsTheyAreRecordedThenTheAnswer(CapturedOutput output) throws Exception {
		other = createTask(Map.of("prompt", "Kept for reading", "title", "Kept for reading " + MARKUP, "agent",
				"nobody"));
		String id = createTask(Map.of("prompt", LOOKUP + ": what does " + other + " ask?"));
		browser.until(PATIENCE, (driver) -> "inprogress".equals(status(id)) ? true : null);
		browser.open(url("/tasks/" + id));
		browser.awaitLive();
		browser.script("window.__noReload = true");
		assertThat(browser.text("#conversation")).as("before the model calls a tool").isEmpty();

		steps.release();
		browser.until(PATIENCE, (driver) -> browser.text("#conversation li.call[data-tool=get_task] pre.result"));
		assertThat(browser.text("#conversation-title")).isEqualTo("Conversation");
		assertThat(browser.text("#conversation li.call pre.arguments")).contains("\"id\"", other);
		assertThat(browser.text("#conversation li.call pre.result")).contains(other, "Kept for reading", MARKUP);
		assertThat(browser.script("return typeof window.pwned")).isEqualTo("undefined");
		assertThat(browser.script("return document.querySelectorAll('#conversation img, #conversation [onerror]').length"))
			.isEqualTo(0L);

		steps.release();
		// The turn is recorded before its call runs, and the call's result after: the page may show one without the other.
		browser.until(PATIENCE, (driver) -> browser.text("#conversation li.turn:nth-child(2) pre.result"));
		assertThat(browser.text("#conversation li.turn:nth-child(2) .turn-text")).isEqualTo("Now the missing one.");
		assertThat(browser.text("#conversation li.turn:nth-child(2) pre.result")).contains("error", "task_99999");
		assertThat(browser.text("#conversation .conversation-head")).contains("2 tool calls");

		steps.release();
		browser.until(PATIENCE, (driver) -> browser.text("#result"));
		assertThat(browser.text("#result")).contains("All looked up.");
		assertThat(browser.script("return window.__noReload === true")).as("no reload on the way").isEqualTo(true);
		browser.screenshot("conversation");

		List<String> problems = new ArrayList<>(browser.accessibilityProblems());
		try {
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
					Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
			browser.open(url("/tasks/" + id));
			browser.accessibilityProblems().forEach((problem) -> problems.add("dark: " + problem));
			browser.screenshot("conversation-dark");
			browser.width(400);
			assertThat(browser.sidewaysOverflow()).as("sideways scroll at 400 px").isZero();
			browser.accessibilityProblems().forEach((problem) -> problems.add("400 px: " + problem));
			browser.screenshot("conversation-400px");
		}
		finally {
			browser.width(0);
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
		assertThat(problems).as("axe-core").isEmpty();
		assertThat(browser.consoleProblems()).as("messages in the browser console").isEmpty();
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	/** The model, for the journey's task: reads the other task, then one that does not exist, then answers. */
	private static ModelReply lookUp(ModelRequest request) {
		try {
			if (!steps.tryAcquire(60, TimeUnit.SECONDS)) {
				return ModelReply.error(500, "the test never let the model answer");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ModelReply.error(500, "interrupted");
		}
		return switch (request.messagesFrom("tool").size()) {
			case 0 -> ModelReply.toolCalls(ModelStub.ToolCall.of("get_task", "{\"id\": \"" + other + "\"}"));
			case 1 -> ModelReply.toolCalls(ModelStub.ToolCall.of("get_task", "{\"id\": \"task_99999\"}"))
				.saying("Now the missing one.");
			default -> ModelReply.text("All looked up.");
		};
	}

	private String status(String id) {
		return new ApiClient(this.port).status(id);
	}

	private String createTask(Map<String, ?> task) throws Exception {
		return new ApiClient(this.port).createTask(task);
	}

	private String url(String path) {
		return new ApiClient(this.port).url(path);
	}

}
