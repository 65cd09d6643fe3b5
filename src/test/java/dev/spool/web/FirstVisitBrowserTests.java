package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.spool.SpoolApplication;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A person's first look at a Spool that has been busy for a while, each journey in a browser profile that has never
 * seen it, and the same browser's look after Spool restarts under the open page.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstVisitBrowserTests {

	private static final int TASKS = 120;

	/** Tasks made 50 ms apart by the busy-workspace journey: about seven seconds of changes. */
	private static final int BUSY_TASKS = 120;

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	/** A session cookie as a browser keeps it from a Spool that has since restarted. */
	private static final Cookie OLD_SESSION = new Cookie("JSESSIONID", "0F1E2D3C4B5A69788796A5B4C3D2E1F0");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Path WORKSPACE = TestWorkspaces.create("first-visit");

	private static final int PORT = freePort();

	private static ConfigurableApplicationContext spool;

	private static List<TaskId> examples;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void startSpoolOnABusyWorkspace() {
		spool = start();
		examples = BusyWorkspace.fill(spool.getBean(TaskStore.class), TASKS);
	}

	@AfterAll
	static void stopSpool() {
		if (spool != null) {
			spool.close();
		}
	}

	@Test
	void aFirstVisitGetsTheWholeBoardLiveAndKeepsItAcrossARestartOfSpool(CapturedOutput output) throws Exception {
		try (BrowserSupport browser = BrowserSupport.start()) {
			consoleIsWatched(browser);
			browser.open(url("/"));
			assertWholeBoard(browser, "on a first visit");
			browser.awaitLive();
			browser.script("window.__noReload = true");
			String made = createTask("Made while the board is open");
			awaitRow(browser, made);
			assertThat(browser.script("return window.__noReload === true")).as("the page was not reloaded").isEqualTo(true);
			browser.screenshot("first-visit-home");
			assertThat(browser.consoleProblems()).as("the browser console on a first visit").isEmpty();

			WebElement form = browser.driver().findElement(By.cssSelector("#submit form"));
			form.findElement(By.name("prompt")).sendKeys("Written before Spool restarted");
			spool.close();
			browser.until(PATIENCE, (driver) -> "reconnecting"
				.equals(browser.script("return document.documentElement.dataset.live || null")) ? true : null);
			browser.until(PATIENCE, (driver) -> browser.script("return !document.getElementById('server-down').hidden"));
			assertThat(browser.text("#live-status")).as("the header while Spool is down")
				.isEqualTo("Spool is not answering");
			assertThat(browser.text("#server-down")).contains("Spool is not answering", "tries again in");
			browser.screenshot("first-visit-server-down");
			spool = start();

			browser.awaitLive();
			assertThat(browser.text("#live-status")).as("the header once Spool is back").isEqualTo("Live");
			assertThat(browser.script("return document.getElementById('server-down').hidden")).isEqualTo(true);
			String madeAfter = createTask("Made after the restart");
			awaitRow(browser, madeAfter);
			assertThat(browser.script("return window.__noReload === true"))
				.as("the open page came back live by itself")
				.isEqualTo(true);
			assertThat(browser.consoleProblems()).as("the console while Spool was down")
				.allMatch((message) -> message.contains("/api/events") || BrowserSupport.lostWhileSpoolStopped(message));

			browser.navigateBy(() -> form.findElement(By.cssSelector("button[type=submit]")).click());
			assertThat(browser.driver().getCurrentUrl()).as("the form loaded before the restart is accepted after it")
				.contains("created=task_");
			assertWholeBoard(browser, "after submitting the form loaded before the restart");

			browser.driver().manage().addCookie(OLD_SESSION);
			browser.open(url("/"));
			assertWholeBoard(browser, "reloaded with the session cookie from before the restart");
			browser.awaitLive();
			browser.script("window.__noReload = true");
			awaitRow(browser, createTask("Made after the reload"));
			browser.screenshot("first-visit-home-after-restart");
			assertThat(browser.consoleProblems()).as("the browser console after the restart").isEmpty();
		}
		assertThat(serverProblems(output)).as("errors in Spool's log").isEmpty();
	}

	@Test
	void aFirstVisitFetchesTheBoardOnceAndAgainOnlyForAChange(CapturedOutput output) throws Exception {
		try (BrowserSupport browser = BrowserSupport.start()) {
			browser.open(url("/"));
			browser.awaitLive();

			// Nothing changes in this workspace, so the page as it came is the board: no fetch of it once the stream
			// opens (the client used to fetch it 150 ms after).
			Awaitility.await()
				.during(Duration.ofSeconds(2))
				.atMost(PATIENCE)
				.untilAsserted(() -> assertThat(boardFetches(browser)).as("board fetches with nothing changed").isZero());
			String made = createTask("Made once the first visit settled");
			awaitRow(browser, made);
			assertThat(boardFetches(browser)).as("board fetches after one change").isEqualTo(1);
			assertThat(browser.consoleProblems()).as("the browser console").isEmpty();
		}
		assertThat(serverProblems(output)).as("errors in Spool's log").isEmpty();
	}

	@Test
	void aWorkspaceBusyForSecondsRefreshesTheBoardAtMostOnceASecondAndShowsItsLastChange(CapturedOutput output)
			throws Exception {
		try (BrowserSupport browser = BrowserSupport.start()) {
			browser.open(url("/"));
			browser.awaitLive();

			// Changes paced as agents make them, for longer than a burst: a refresh for each would be four or five a
			// second. Counted from a moment well after the board became busy.
			long started = System.nanoTime();
			long countedFrom = 0;
			long fetchesBefore = 0;
			String last = null;
			for (int i = 1; i <= BUSY_TASKS; i++) {
				last = createTask("Busy " + i + " of " + BUSY_TASKS);
				if (countedFrom == 0 && System.nanoTime() - started > Duration.ofSeconds(3).toNanos()) {
					countedFrom = System.nanoTime();
					fetchesBefore = boardFetches(browser);
				}
				Thread.sleep(50);
			}
			awaitRow(browser, last);
			double seconds = (System.nanoTime() - countedFrom) / 1e9;

			assertThat(countedFrom).as("the changes outlasted three seconds").isPositive();
			assertThat(boardFetches(browser) - fetchesBefore)
				.as("board fetches in the last %.1f s of changes 50 ms apart", seconds)
				.isBetween(2L, (long) Math.ceil(seconds) + 1);
			assertThat(browser.consoleProblems()).as("the browser console").isEmpty();
		}
		assertThat(serverProblems(output)).as("errors in Spool's log").isEmpty();
	}

	@Test
	void everyPageArrivesWholeToABrowserThatHasNeverSeenSpool(CapturedOutput output) {
		TaskId done = examples.get(0);
		TaskId failed = examples.get(1);
		TaskId pending = examples.get(2);
		List<String> pages = List.of("/", "/?page=3", "/?retryOf=" + failed, "/tasks/" + done, "/tasks/" + failed,
				"/tasks/" + pending, "/agents", "/manifest");
		try (BrowserSupport browser = BrowserSupport.start()) {
			consoleIsWatched(browser);
			for (String page : pages) {
				browser.open(url("/spool.css"));
				browser.driver().manage().deleteAllCookies(); // each page is the first this browser sees of Spool

				browser.open(url(page));

				assertThat(browser.driver().findElements(By.cssSelector("footer a[href='/actuator/health']")))
					.as("%s ends with its footer", page)
					.isNotEmpty();
				assertThat(browser.script("return [...document.querySelectorAll('form[method=post]')]"
						+ ".filter((form) => !form.querySelector('input[name=_csrf]')).length"))
					.as("forms on %s without a CSRF token", page)
					.isEqualTo(0L);
				if (!page.equals("/manifest")) {
					browser.awaitLive();
				}
				assertThat(browser.consoleProblems()).as("the browser console on %s", page).isEmpty();
			}
		}
		assertThat(serverProblems(output)).as("errors in Spool's log").isEmpty();
	}

	// --- what a person sees

	private static void assertWholeBoard(BrowserSupport browser, String when) {
		assertThat(browser.driver().findElements(By.cssSelector("#board tr[data-task]")))
			.as("rows of the board %s", when)
			.hasSize(TaskBoard.PAGE_SIZE);
		assertThat(browser.driver().findElements(By.cssSelector("#submit form input[name=_csrf]")))
			.as("the New task form with its CSRF token at the bottom of the board %s", when)
			.hasSize(1);
		assertThat(browser.driver().findElements(By.cssSelector("footer a[href='/actuator/health']")))
			.as("the footer of the board %s", when)
			.isNotEmpty();
	}

	/** How many times the page fetched the board for a live refresh. */
	private static long boardFetches(BrowserSupport browser) {
		return (Long) browser.script("return performance.getEntriesByType('resource')"
				+ ".filter((entry) => entry.initiatorType === 'fetch' && new URL(entry.name).pathname === '/').length");
	}

	/** Proves the console is read at all, so that an empty list of problems means something. */
	private static void consoleIsWatched(BrowserSupport browser) {
		browser.open("about:blank"); // not a page of Spool's, which would set a cookie before the first visit
		browser.script("console.error('spool: is the console watched?')");
		assertThat(browser.consoleProblems()).anyMatch((message) -> message.contains("is the console watched?"));
	}

	private static void awaitRow(BrowserSupport browser, String id) {
		browser.until(PATIENCE, (driver) -> driver.findElements(By.cssSelector("#board tr[data-task='" + id + "']"))
			.isEmpty() ? null : true);
	}

	/** Lines of Spool's log that report an error or carry a stack trace. */
	private static List<String> serverProblems(CapturedOutput output) {
		return output.getAll()
			.lines()
			.filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ") || line.startsWith("Caused by"))
			.toList();
	}

	// --- Spool, started and restarted on one port and one workspace

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SpoolApplication.class).run("--server.port=" + PORT,
				"--spool.workspace=" + WORKSPACE, "--spool.fsync=false", "--spring.main.banner-mode=off");
	}

	private String createTask(String title) throws Exception {
		String json = JSON.writeValueAsString(Map.of("prompt", title + ": keep this pending", "title", title,
				"agent", BusyWorkspace.NOBODY));
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url("/api/tasks")))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body()).path("id").asString();
	}

	private static String url(String path) {
		return "http://127.0.0.1:" + PORT + path;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
