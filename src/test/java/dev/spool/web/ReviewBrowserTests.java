package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.spool.ModelReply;
import dev.spool.ModelStub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A person reviewing answers in a browser: rejecting one with a note on the task page (the model's next request
 * carries the note), approving the revision there, and approving several at once from the board, whose review chip
 * and tab title count what waits. The model is a local stub; every journey checks the browser console and Spool's log.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.ai.openai.api-key=test", "spring.ai.openai.max-retries=0" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ReviewBrowserTests {

	private static final Path WORKSPACE = TestWorkspaces.create("review-browser");

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static final AtomicInteger answers = new AtomicInteger();

	private static ModelStub model;

	private static BrowserSupport browser;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) throws IOException {
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("writer.md"), "---\nconcurrency: 2\n---\nYou write.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
		registry.add("spool.max-attempts", () -> "1");
	}

	@LocalServerPort
	int port;

	@BeforeAll
	static void startTheModelAndTheBrowser() {
		model = ModelStub.start().otherwise((request) -> ModelReply.text("Draft " + answers.incrementAndGet()));
		browser = BrowserSupport.start();
	}

	@AfterAll
	static void stopTheBrowserAndTheModel() {
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			model.close();
		}
	}

	@BeforeEach
	void forget() {
		browser.forgetEverything(url(""));
	}

	@Test
	void aPersonRejectsAnAnswerWithANoteThenApprovesTheRevisionOnTheTaskPage(CapturedOutput output) throws Exception {
		String id = createTask(Map.of("prompt", "Write the owl notice", "review", true));
		awaitStatus(id, "review");
		browser.open(url("/tasks/" + id));
		// The page is live: wait until it shows the attempt's record, after which nothing replaces the forms.
		browser.until(PATIENCE, (driver) -> browser.text("main").contains("the answer went to review") ? true : null);
		assertThat(browser.text("h1 .state")).isEqualTo("review");
		assertThat(browser.text("#result")).contains("Draft");
		assertThat(browser.accessibilityProblems()).as("axe-core on a task in review").isEmpty();

		WebElement reject = browser.driver().findElement(By.cssSelector("form#reject"));
		reject.findElement(By.name("note")).sendKeys("Mention the barn.");
		browser.navigateBy(() -> reject.findElement(By.cssSelector("button[type=submit]")).click());

		await().atMost(PATIENCE).until(() -> model.prompts().stream()
			.anyMatch((prompt) -> prompt.contains("## The reviewer's note\n\nMention the barn.")));
		awaitStatus(id, "review");
		browser.open(url("/tasks/" + id));
		browser.until(PATIENCE, (driver) -> browser.text("main").split("the answer went to review", -1).length == 3
				? true : null);
		assertThat(browser.text("main")).contains("answer rejected by local", "note: Mention the barn.");
		// Found and pressed in one step: the live page may replace its region between a lookup and a click.
		browser.navigateBy(() -> browser.script("document.querySelector('form#approve button').click()"));

		assertThat(browser.text("h1 .state")).isEqualTo("done");
		assertThat(browser.text("main")).contains("answer approved by local");
		assertThat(status(id)).isEqualTo("done");
		assertNoProblems(output);
	}

	@Test
	void aPersonApprovesSeveralAnswersAtOnceFromTheBoard(CapturedOutput output) throws Exception {
		String first = createTask(Map.of("prompt", "Count the owls", "review", true));
		String second = createTask(Map.of("prompt", "Name the owls", "review", true));
		// Once each answer's record is in, nothing more changes the board's rows while the person ticks them.
		for (String id : List.of(first, second)) {
			await().atMost(PATIENCE).until(() -> new ApiClient(this.port).task(id).path("history").size() == 1);
			awaitStatus(id, "review");
		}

		browser.open(url("/"));
		assertThat(Long.parseLong(browser.attribute("[data-count=review]", "data-total"))).isGreaterThanOrEqualTo(2);
		assertThat(browser.driver().getTitle()).matches("\\d+ to review · \\d+ running · .*");
		for (String id : List.of(first, second)) {
			browser.driver().findElement(By.cssSelector("input[name=ids][value=" + id + "]")).click();
		}
		browser.navigateBy(() -> browser.driver().findElement(By.cssSelector("#bulk button[value=approve]")).click());
		assertThat(browser.text("#bulk-tasks").lines()).anyMatch((line) -> line.startsWith(first + " — ") && line.endsWith(" (review)"))
			.anyMatch((line) -> line.startsWith(second + " — ") && line.endsWith(" (review)"));
		browser.navigateBy(() -> browser.driver().findElement(By.id("bulk-confirm")).click());

		assertThat(browser.text("#bulk-outcome")).isEqualTo("Approved 2 tasks.");
		assertThat(status(first)).isEqualTo("done");
		assertThat(status(second)).isEqualTo("done");
		assertNoProblems(output);
	}

	private static void assertNoProblems(CapturedOutput output) {
		assertThat(browser.consoleProblems()).as("messages in the browser console").isEmpty();
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	private void awaitStatus(String id, String status) {
		await().atMost(PATIENCE).until(() -> status.equals(status(id)));
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
