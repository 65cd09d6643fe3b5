package dev.spool.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.spool.archive.Archive;
import dev.spool.pipeline.Pipeline;
import dev.spool.pipeline.Pipelines;
import dev.spool.workspace.Answer;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.spool.workspace.TaskBuilder.aGoal;
import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's views (retries, history, goals, pipelines, the archive and the board's pager) in headless Chromium
 * on a busy workspace, with a profile that forgot every earlier journey: reached from the header's Views menu, paged
 * by the pager's links, and checked by axe-core at full width and at 400 px, in light and dark.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ViewsBrowserTests {

	private static final Path WORKSPACE = TestWorkspaces.create("views-browser");

	private static BrowserSupport browser;

	private static boolean filled;

	private static Pipeline pipeline;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.fsync", () -> "false");
	}

	@LocalServerPort
	int port;

	@Autowired
	TaskStore store;

	@Autowired
	Archive archive;

	@Autowired
	Pipelines pipelines;

	@BeforeAll
	static void startTheBrowser() {
		browser = BrowserSupport.start();
	}

	@BeforeEach
	void aBusyWorkspaceAndABrowserThatForgotEveryEarlierJourney() {
		if (!filled) {
			List<TaskId> examples = BusyWorkspace.fill(this.store, 160);
			for (int i = 0; i < 30; i++) {
				Task flaky = this.store.create(aTask("Flaky " + i).titled("Flaky " + i).held().build());
				this.store.fail(this.store.claim(flaky, BusyWorkspace.NOBODY).orElseThrow(),
						"the model endpoint answered HTTP 503: busy");
			}
			this.archive.archive(examples.get(0));
			this.archive.archive(examples.get(3));
			this.store.create(aGoal("Plan a picnic for the owls").titled("Picnic").held().build());
			pipeline = this.pipelines.create(PipelineStage.Transport.FILES,
					List.of(new Pipelines.StageRequest("Draft it", "Draft", BusyWorkspace.NOBODY, null),
							new Pipelines.StageRequest("Polish it", "Polish", BusyWorkspace.NOBODY, null)));
			for (Task stage : pipeline.stages()) {
				this.store.complete(this.store.claim(this.store.index().find(stage.id()).orElseThrow(),
						BusyWorkspace.NOBODY).orElseThrow(), new Answer("Stage answer", "stub-model", false, null));
			}
			filled = true;
		}
		browser.forgetEverything(url(""));
	}

	@AfterEach
	void checkTheConsoleAndTheLogAreClean(CapturedOutput output) {
		assertThat(browser.consoleProblems()).as("messages in the browser console").isEmpty();
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	@AfterAll
	static void stopTheBrowser() {
		if (browser != null) {
			browser.close();
		}
	}

	@Test
	void anOperatorReachesEachViewFromTheMenuAndPagesThroughThem() {
		open("/");
		browser.driver().findElement(By.cssSelector("#views-menu summary")).click();
		browser.navigateBy(() -> browser.driver().findElement(By.linkText("Retries")).click());
		browser.awaitLive();
		assertThat(browser.driver().getTitle()).isEqualTo("30 to retry · Retries · Spool");
		assertThat(browser.text("#retries tbody tr")).contains("the model endpoint answered HTTP 503: busy", "1 of 3",
				"when nobody (not defined in agents/: an outside program) takes it");
		clickLive("#retries a[aria-label='Next page']");
		assertThat(browser.driver().getCurrentUrl()).endsWith("/retries?page=2");
		assertThat(browser.text("#retries .pages")).startsWith("26–30 of 30");

		open("/?size=50&state=done");
		assertThat(browser.driver().findElements(By.cssSelector("#board tr[data-task]"))).hasSize(40 - 1 + 2);
		open("/?size=25&state=pending&sort=priority&dir=desc");
		clickLive("#board a[aria-label='Last page']");
		assertThat(browser.driver().getCurrentUrl()).contains("sort=priority", "page=");
		browser.driver().navigate().back();
		assertThat(browser.driver().getCurrentUrl()).doesNotContain("page=");
		assertThat(browser.text("#board th[aria-sort=descending]")).startsWith("Priority");

		open("/history");
		assertThat(browser.text("#history-summary")).contains("42 finished", "150 failed attempts");
		assertThat(browser.driver().findElements(By.cssSelector("#history-days tbody tr"))).hasSize(7);
		open("/history?days=30&state=failed");
		open("/goals");
		assertThat(browser.text("#goals tbody")).contains("Picnic", "no steps yet");
		open("/pipelines");
		clickLive("#pipelines a[href='/pipelines/" + pipeline.id() + "']");
		assertThat(browser.text("#final-output")).contains(pipeline.stages().get(1).id().text() + "'s answer");
		this.pagesSeen.add(browser.driver().getCurrentUrl());
		open("/archive");
		assertThat(browser.driver().findElements(By.cssSelector("#archive tbody tr"))).hasSize(2);
		open("/tasks/" + this.store.index().queries().newestFirst(dev.spool.workspace.TaskState.PENDING).iterator()
			.next().id().text());

		checkEveryPageSeenInLightAndDark();
	}

	// --- what a person sees

	private final List<String> pagesSeen = new ArrayList<>();

	private void open(String path) {
		browser.open(url(path));
		browser.awaitLive();
		this.pagesSeen.add(url(path));
	}

	/** Every page seen, again, light and dark: axe-core finds nothing at 1400 and 400 px, and nothing scrolls sideways. */
	private void checkEveryPageSeenInLightAndDark() {
		List<String> problems = new ArrayList<>();
		try {
			for (String scheme : List.of("light", "dark")) {
				browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
						Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
				for (String page : this.pagesSeen) {
					browser.open(page);
					browser.accessibilityProblems().forEach((problem) -> problems.add(page + ", " + scheme + ": " + problem));
					browser.width(400);
					try {
						long overflow = browser.sidewaysOverflow();
						if (overflow > 0) {
							problems.add(page + ", " + scheme + ": scrolls sideways by " + overflow + " px at 400 px");
							browser.screenshot("views-400px-" + this.pagesSeen.indexOf(page));
						}
						browser.accessibilityProblems()
							.forEach((problem) -> problems.add(page + ", " + scheme + " at 400 px: " + problem));
					}
					finally {
						browser.width(0);
					}
				}
			}
		}
		finally {
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
		assertThat(problems).as("accessibility and width").isEmpty();
	}

	/** Clicks a link in a live region in one step in the page, since a refresh may replace it between a lookup and a click. */
	private void clickLive(String css) {
		browser.navigateBy(() -> browser.script("document.querySelector(arguments[0]).click()", css));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
