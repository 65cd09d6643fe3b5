package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.spool.ModelReply;
import dev.spool.ModelStub;
import dev.spool.agent.AgentDirectory;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator watches the home page's "Running now" panel on a busy workspace while a model holds three answers:
 * who runs what, with which model, for how long; quiets agent_a from the panel (it finishes what it holds and takes
 * no new task, while agent_b goes on), and resumes it once its answers are in, all followed live; axe-core finds
 * nothing at 1400 and 400 px, light and dark, and Spool's log has no error. And a pending task's page says its real
 * place in the line of the agent that would take it, among forty.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"spring.ai.openai.api-key=test", "spring.ai.openai.chat.model=owl-small", "spring.ai.openai.max-retries=0" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class RunningNowBrowserTests {

	private static final Path WORKSPACE = TestWorkspaces.create("running-now-browser");

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final String HOLD = "HOLD";

	/**
	 * Counted down once the journey lets the held answers go (or at the end, whatever happened). It and the model are
	 * made for each run of the class, as a rerun of a failed test starts a new context after this one closed.
	 */
	private static CountDownLatch release;

	private static ModelStub model;

	private static BrowserSupport browser;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) {
		try {
			Files.createDirectories(WORKSPACE.resolve("agents"));
			Files.writeString(WORKSPACE.resolve("agents/agent_a.md"), "---\nmodel: owl-large\nconcurrency: 3\n---\nBe brief.\n");
			Files.writeString(WORKSPACE.resolve("agents/agent_b.md"), "---\nconcurrency: 2\n---\nBe brief.\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.fsync", () -> "false");
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
	}

	@LocalServerPort
	int port;

	@Autowired
	TaskStore store;

	@Autowired
	AgentDirectory agents;

	@BeforeAll
	static void startTheModelAndTheBrowser() {
		CountDownLatch held = new CountDownLatch(1);
		release = held;
		model = ModelStub.start().otherwise((request) -> {
			if (request.prompt().contains(HOLD)) {
				try {
					held.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return ModelReply.text("Held ", "answer.");
			}
			return ModelReply.text("Quick ", "answer.");
		});
		browser = BrowserSupport.start();
	}

	@AfterAll
	static void stopTheBrowserAndTheModel() {
		release.countDown();
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
	void anOperatorSeesWhatRunsQuietsAnAgentFromThePanelAndResumesIt(CapturedOutput output) {
		BusyWorkspace.fill(this.store, 120);
		browser.forgetEverything(url("/"));
		browser.open(url("/"));
		browser.awaitLive();
		assertThat(browser.text("#nothing-running")).isEqualTo("Nothing is running: no task is in progress.");

		TaskId first = create("Draft the owl report " + HOLD, "agent_a");
		TaskId second = create("Check the owl figures " + HOLD, "agent_a");
		TaskId third = create("Count the hedgehogs " + HOLD, "agent_b");
		awaitRows(3);
		assertThat(browser.text("#running-now tr[data-running='" + first + "']")).contains("agent_a", first.text(),
				"Draft the owl report", "owl-large", "fresh");
		assertThat(browser.text("#running-now tr[data-running='" + third + "']")).contains("agent_b", "owl-small (default)");
		assertThat(browser.attribute("#running-now tr[data-running='" + first + "'] .agent a", "href")).endsWith("/?agent=agent_a");
		String ticking = browser.text("#running-now tr[data-running='" + first + "'] .running-for");
		browser.until(PATIENCE, (driver) -> !ticking.equals(browser.text("#running-now tr[data-running='" + first
				+ "'] .running-for")) ? true : null);

		browser.navigateBy(() -> browser.script(
				"document.querySelector(\"#running-now tr[data-agent='agent_a'] button\").click()"));
		browser.awaitLive();
		assertThat(browser.text("#running-now tr[data-running='" + first + "'] .agent-quiet"))
			.isEqualTo("quiet: finishing " + first + ", " + second + ", takes no new task");
		checkTheHomePageInLightAndDark();

		// Both agents have a free slot; agent_b takes its new task, agent_a (quiet) leaves its own.
		TaskId waiting = create("Name one owl", "agent_a");
		TaskId quick = create("Name one hedgehog", "agent_b");
		awaitState(quick, TaskState.DONE);
		assertThat(state(waiting)).as("agent_a's new task while agent_a is quiet").isEqualTo(TaskState.PENDING);

		release.countDown();
		awaitState(first, TaskState.DONE);
		awaitState(second, TaskState.DONE);
		awaitState(third, TaskState.DONE);
		browser.until(PATIENCE, (driver) -> "quiet: takes no new task"
			.equals(browser.text(".quiet-agents li[data-agent='agent_a'] .agent-quiet")) ? true : null);
		assertThat(state(waiting)).isEqualTo(TaskState.PENDING);

		browser.navigateBy(() -> browser.script(
				"document.querySelector(\".quiet-agents li[data-agent='agent_a'] button\").click()"));
		browser.awaitLive();
		awaitState(waiting, TaskState.DONE);
		browser.until(PATIENCE, (driver) -> browser.text("#nothing-running") != null ? true : null);
		assertThat(browser.driver().findElements(org.openqa.selenium.By.cssSelector(".quiet-agents"))).isEmpty();
		assertThat(WORKSPACE.resolve("agents/agent_a.quiet")).doesNotExist();

		assertThat(browser.consoleProblems()).as("messages in the browser console").isEmpty();
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	@Test
	void aPendingTaskPageSaysItsRealPlaceInItsAgentsLine() throws Exception {
		this.agents.quiet("agent_a", "kept still while forty tasks queue");
		List<TaskId> queued = new ArrayList<>();
		try {
			for (int i = 0; i < 40; i++) {
				queued.add(create("Queued owl " + i, "agent_a"));
			}
			browser.forgetEverything(url("/"));
			browser.open(url("/tasks/" + queued.get(2)));
			assertThat(browser.text("#queue-place")).isEqualTo("In the queue: 3rd of 40 waiting for agent_a.");
		}
		finally {
			this.agents.resume("agent_a");
		}
		for (TaskId id : queued) {
			awaitState(id, TaskState.DONE);
		}
	}

	private TaskId create(String prompt, String agent) {
		return this.store.create(aTask(prompt).titled(prompt.replace(" " + HOLD, "")).forAgent(agent).build()).id();
	}

	private void awaitRows(int rows) {
		browser.until(PATIENCE, (driver) -> ((Number) browser.script(
				"return document.querySelectorAll('#running-now tbody tr').length")).intValue() == rows ? true : null);
	}

	private TaskState state(TaskId id) {
		return this.store.index().find(id).orElseThrow().state();
	}

	private void awaitState(TaskId id, TaskState wanted) {
		org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> state(id) == wanted);
	}

	/** The home page with the panel as it is, light and dark, at full width and at 400 px: axe-core finds nothing. */
	private void checkTheHomePageInLightAndDark() {
		List<String> problems = new ArrayList<>();
		try {
			for (String scheme : List.of("light", "dark")) {
				browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
						Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
				// Opened again in the scheme, as the other journeys do: colours that are still changing fail contrast.
				browser.open(url("/"));
				browser.awaitLive();
				browser.accessibilityProblems().forEach((problem) -> problems.add(scheme + ": " + problem));
				browser.width(400);
				try {
					long overflow = browser.sidewaysOverflow();
					if (overflow > 0) {
						problems.add(scheme + ": scrolls sideways by " + overflow + " px at 400 px");
						browser.screenshot("running-now-400px-" + scheme);
					}
					browser.accessibilityProblems().forEach((problem) -> problems.add(scheme + " at 400 px: " + problem));
				}
				finally {
					browser.width(0);
				}
			}
		}
		finally {
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
		assertThat(problems).as("accessibility and width of the home page with the panel").isEmpty();
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
