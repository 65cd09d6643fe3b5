package dev.spool.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.spool.archive.Archive;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard as an operator uses it all day, on a workspace that already holds many tasks, each journey in a browser
 * that has forgotten every earlier journey (one Chromium for the class, its cookies, cache, storage, permissions and
 * emulation cleared before each journey: {@link BrowserSupport#forgetEverything}): flags and counts that change live,
 * focus that stays put, forms that answer where the person is, answers to copy and download, and every page checked by
 * axe-core and at 400 px wide.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.ai.openai.api-key=test")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class OperatorBrowserTests {

	/**
	 * Opens an event stream of its own beside the page's. For each task it hears of, it does what a live page does,
	 * later: waits twice the page's 150 ms before a refresh, fetches from Spool, and only then notes the task as
	 * settled. Returns the page's clock, to tell the page's later fetches from earlier ones.
	 */
	private static final String LISTEN_BESIDE_THE_PAGE = """
			performance.clearResourceTimings();
			const probe = { settled: [], source: new EventSource('/api/events?probe') };
			probe.source.addEventListener('task', (event) => {
			  const id = JSON.parse(event.data).id;
			  setTimeout(() => fetch('/api/tasks?probe').finally(() => probe.settled.push(id)), 300);
			});
			window.spoolProbe = probe;
			return performance.now();
			""";

	private static final Path WORKSPACE = TestWorkspaces.create("operator");

	/** Started for each run of the class, as a rerun of a failed test starts a new context after this one closed. */
	private static DashboardModel model;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private static List<TaskId> examples;

	private static BrowserSupport browser;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.fsync", () -> "false");
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
		registry.add("spring.ai.openai.max-retries", () -> "0");
		registry.add("spool.max-attempts", () -> "1");
		registry.add("spool.retry-backoff", () -> "2m");
		registry.add("spool.heartbeat-interval", () -> "500ms");
		registry.add("spool.stale-after", () -> "60s");
		registry.add("spool.rescan-interval", () -> "1s");
	}

	@LocalServerPort
	int port;

	@Autowired
	TaskStore store;

	@Autowired
	Archive archive;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<String> pagesSeen = new ArrayList<>();

	@BeforeAll
	static void startTheModelAndTheBrowser() {
		model = DashboardModel.start();
		browser = BrowserSupport.start();
	}

	@BeforeEach
	void aBusyWorkspaceAndABrowserThatForgotEveryEarlierJourney() {
		if (examples == null) {
			examples = BusyWorkspace.fill(this.store, 120);
		}
		browser.forgetEverything(url(""));
	}

	@AfterEach
	void checkTheConsoleIsClean(CapturedOutput output) {
		assertThat(browser.consoleProblems()).as("messages in the browser console").isEmpty();
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	@AfterAll
	static void stopTheBrowserAndTheModel() {
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			model.stop();
		}
	}

	@Test
	void aQuietClaimIsFlaggedLiveAndRefreshesKeepFocusWhereItWas() throws Exception {
		open("/");
		browser.script("window.__noReload = true");
		String id = createTask(Map.of("prompt", "Claimed by a shell agent that then hangs", "agent", "shellbot"));
		awaitRow(id);
		Path tasks = WORKSPACE.resolve("tasks");
		Files.move(tasks.resolve(id + "_pending.md"), tasks.resolve(id + "_inprogress_shellbot.md"),
				StandardCopyOption.ATOMIC_MOVE);
		awaitRowState(id, "inprogress");
		browser.script("document.querySelector(arguments[0]).focus()", "#board a[href='/tasks/" + id + "']");

		browser.until(PATIENCE, (driver) -> browser.text("#board tr[data-task='" + id + "'] .quiet"));

		assertThat(browser.text("#board tr[data-task='" + id + "'] .quiet")).startsWith("quiet");
		assertThat(browser.text("#board tr[data-task='" + id + "'] .timer")).as("how long it has been running")
			.matches("\\d+ s");
		assertThat(browser.script("return document.activeElement.getAttribute('href')"))
			.as("keyboard focus after the board refreshed")
			.isEqualTo("/tasks/" + id);

		browser.script("const box = document.querySelector('input[name=q]'); box.value = 'Busy task';"
				+ " box.focus(); box.setSelectionRange(2, 6);");
		String next = createTask(Map.of("prompt", "Arrives while the search box has focus", "agent", "nobody"));
		awaitRow(next);
		assertThat(browser.script("const e = document.activeElement; return [e.name, e.selectionStart, e.selectionEnd]"))
			.as("the search box keeps focus and its selection")
			.isEqualTo(List.of("q", 2L, 6L));
		assertThat(browser.script("return window.__noReload === true")).isEqualTo(true);

		// Paused, the board is fetched no more; its timers tick on.
		browser.driver().findElement(By.id("live-toggle")).click();
		String row = "#board tr[data-task='" + next + "'] ";
		String quietRow = "#board tr[data-task='" + id + "'] ";
		String age = browser.text(row + "td.age .timer");
		String quiet = browser.text(quietRow + ".quiet .timer");
		browser.until(PATIENCE, (driver) -> !age.equals(browser.text(row + "td.age .timer"))
				&& !quiet.equals(browser.text(quietRow + ".quiet .timer")) ? true : null);
		assertThat(browser.text(row + "td.age")).matches("\\d+ s");
		assertThat(browser.text(quietRow + ".quiet")).matches("quiet \\d+ s");
		assertThat(browser.text("#live-status")).isEqualTo("Paused");
		browser.driver().findElement(By.id("live-toggle")).click();
		browser.screenshot("operator-quiet-flag");
		checkEveryPageSeen();
	}

	@Test
	void aRefusedFormAnswersBesideItAndASentOneIsNotSentAgain() throws Exception {
		open("/?page=2");
		WebElement form = browser.driver().findElement(By.cssSelector("#submit form"));
		form.findElement(By.name("prompt")).sendKeys("Depends on a task that is not there");
		form.findElement(By.name("dependsOn")).sendKeys("task_99999");
		browser.navigateBy(() -> form.findElement(By.cssSelector("button[type=submit]")).click());

		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).as("the address after a refused form")
			.isEqualTo("/");
		// Chromium reports the page's own status, 400 for a refused form, as a failed load; nothing else may show.
		assertThat(browser.consoleProblems()).as("the console after a refused form")
			.allMatch((message) -> message.endsWith("/ - Failed to load resource: the server responded with a status of 400 ()"));
		assertThat(browser.text("#form-error")).contains("task_99999");
		assertThat(browser.script("const box = document.getElementById('form-error').getBoundingClientRect();"
				+ " return box.top >= 0 && box.bottom <= window.innerHeight"))
			.as("the error is in view")
			.isEqualTo(true);
		assertThat(browser.script("return document.activeElement.id")).isEqualTo("form-error");
		assertThat(browser.driver().findElement(By.name("prompt")).getDomProperty("value"))
			.isEqualTo("Depends on a task that is not there");
		browser.screenshot("operator-form-refused");
		assertThat(browser.accessibilityProblems()).as("axe-core on the refused form").isEmpty();

		WebElement again = browser.driver().findElement(By.cssSelector("#submit form"));
		again.findElement(By.name("dependsOn")).clear();
		browser.navigateBy(() -> again.findElement(By.cssSelector("button[type=submit]")).click());
		assertThat(browser.driver().getCurrentUrl()).contains("created=task_");
		int tasks = taskCount();
		browser.navigateBy(() -> browser.driver().navigate().refresh());
		assertThat(taskCount()).as("tasks after reloading the page a sent form led to").isEqualTo(tasks);

		browser.awaitLive();
		awaitRow(createTask(Map.of("prompt", "Arrives while the notice shows", "agent", "nobody")));
		assertThat(browser.text("#created")).as("the notice after a live refresh").startsWith("Created task_");
		browser.driver().findElement(By.cssSelector("#created .dismiss")).click();
		assertThat(browser.driver().findElements(By.id("created"))).isEmpty();
		assertThat(browser.driver().getCurrentUrl()).doesNotContain("created=");
		checkEveryPageSeen();
	}

	@Test
	void theHeaderSaysWhetherThePageIsLiveAndTheTabCountsTheTasks() throws Exception {
		open("/");
		assertThat(browser.text("#live-status")).isEqualTo("Live");
		String pendingBefore = pendingInTitle();

		createTask(Map.of("prompt", "Counted in the tab's title", "agent", "nobody"));
		browser.until(PATIENCE, (driver) -> !pendingInTitle().equals(pendingBefore));
		assertThat(Integer.parseInt(pendingInTitle())).isEqualTo(Integer.parseInt(pendingBefore) + 1);

		browser.driver().findElement(By.id("live-toggle")).click();
		assertThat(browser.text("#live-status")).isEqualTo("Paused");
		Object pausedAt = browser.script(LISTEN_BESIDE_THE_PAGE);
		// Connected before the task is made: a stream opened after its event would never see it.
		browser.until(PATIENCE, (driver) -> browser.script("return window.spoolProbe.source.readyState === 1 || null"));
		String whilePaused = createTask(Map.of("prompt", "Made while live updates are paused", "agent", "nobody"));
		// The event that a live board acts on reached a listener beside the page, and the board's wait before it
		// fetches has passed twice over: a live page would have fetched the board by now.
		browser.until(PATIENCE, (driver) -> browser.script("return window.spoolProbe.settled.includes(arguments[0])"
				+ " || null", whilePaused));
		assertThat(browser.driver().findElements(By.cssSelector("#board tr[data-task='" + whilePaused + "']")))
			.as("a paused board does not change")
			.isEmpty();
		assertThat(browser.script("return performance.getEntriesByType('resource').filter((entry) =>"
				+ " entry.startTime > arguments[0] && !entry.name.includes('probe')"
				+ " && ['fetch', 'xmlhttprequest'].includes(entry.initiatorType))"
				+ ".map((entry) => entry.name)", pausedAt))
			.as("what a paused page fetched")
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.isEmpty();
		browser.script("window.spoolProbe.source.close()");
		browser.driver().findElement(By.id("live-toggle")).click();
		awaitRow(whilePaused);
		assertThat(browser.text("#live-status")).isEqualTo("Live");

		String failing = createTask(Map.of("prompt", DashboardModel.FAIL + " so that agent_a pauses", "agent",
				"agent_a"));
		awaitStatus(failing, "failed");
		open("/agents");
		browser.until(PATIENCE, (driver) -> browser.text("article.agent[data-agent=agent_a] .paused"));
		assertThat(browser.text("article.agent[data-agent=agent_a] .paused")).contains("Pausing after a failed attempt",
				"500");
		browser.screenshot("operator-agent-pausing");
		checkEveryPageSeen();
	}

	@Test
	void aTaskPageTimesTheTaskInLocalTimeAndHandsOverItsAnswer() throws Exception {
		browser.driver().executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Asia/Tokyo"));
		String slow = createTask(Map.of("prompt", DashboardModel.SLOW + ": a task to watch run", "agent",
				"agent_b"));
		awaitStatus(slow, "inprogress");
		open("/tasks/" + slow);
		String first = browser.text("#ran .timer");
		browser.until(PATIENCE, (driver) -> !first.equals(browser.text("#ran .timer")));
		assertThat(browser.text("#detail dl.meta")).contains("Waited", "Ran");
		assertThat(browser.text("#detail time")).as("a time in the viewer's zone").contains("GMT+9");
		assertThat(browser.attribute("#detail time", "title")).endsWith("UTC");

		browser.until(PATIENCE, (driver) -> "done".equals(browser.text("#detail h1 .state")) ? true : null);
		open("/tasks/" + slow);
		assertThat(browser.text("#ran")).matches("\\d+ s");
		browser.driver()
			.executeCdpCommand("Browser.grantPermissions", Map.of("origin", url(""), "permissions",
					List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
		// The live region holding the button may be replaced by a refresh at any moment, so the button is clicked,
		// and what it did read, in one step, until a click lands.
		List<String> copied = List.of(DashboardModel.ANSWER, "Copied.");
		browser.until(PATIENCE, (driver) -> copied.equals(browser.driver()
			.executeAsyncScript("const done = arguments[arguments.length - 1];"
					+ " document.getElementById('copy-answer').click();"
					+ " setTimeout(() => navigator.clipboard.readText().then((text) => done([text,"
					+ " document.getElementById('copy-status').textContent]), () => done(null)), 300);")) ? true
							: null);

		browser.script("document.getElementById('raw').open = true");
		assertThat(browser.text("#raw-answer")).isEqualTo(DashboardModel.ANSWER);

		Path downloads = Files.createTempDirectory(WORKSPACE, "downloads");
		browser.driver()
			.executeCdpCommand("Browser.setDownloadBehavior",
					Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
		browser.script("document.getElementById('download-answer').click()");
		Path file = downloads.resolve(slow + "_result.md");
		Awaitility.await().atMost(PATIENCE).until(() -> Files.isRegularFile(file));
		assertThat(Files.readString(file)).isEqualTo(DashboardModel.ANSWER);
		browser.screenshot("operator-task-answer");
		checkEveryPageSeen();
	}

	@Test
	void retryWithChangesOnAGoalOpensTheGoalForm() throws Exception {
		JsonNode goal = post("/api/goals", Map.of("goal", "Plan a picnic for the owls.", "title", "Owl picnic"));
		String id = goal.path("id").asString();
		open("/tasks/" + id);
		// The page's live region may be replaced at any moment, so the link is found and clicked in one step.
		browser.navigateBy(() -> browser.script("document.querySelector('#detail a[href*=retryOf]').click()"));
		browser.awaitLive();
		pagesSeen.add(browser.driver().getCurrentUrl());

		WebElement form = browser.driver().findElement(By.cssSelector("#submit form"));
		assertThat(form.findElement(By.cssSelector("input[name=kind][value=goal]")).isSelected()).isTrue();
		assertThat(form.findElement(By.name("prompt")).getDomProperty("value")).isEqualTo("Plan a picnic for the owls.");
		assertThat(form.findElement(By.name("title")).getDomProperty("value")).isEqualTo("Owl picnic");
		assertThat(form.findElement(By.name("agent")).isDisplayed()).isFalse();
		assertThat(browser.text("#reworking")).contains(id, "goal");
		browser.navigateBy(() -> form.findElement(By.cssSelector("button[type=submit]")).click());
		assertThat(browser.driver().getCurrentUrl()).as("a new goal").matches(".*/goals/task_\\d+$");
		checkEveryPageSeen();
	}

	@Test
	void theBoardSortsByAColumnFromTheKeyboardAndKeepsTheOrderLive() throws Exception {
		open("/");
		assertThat(browser.attribute("#board th[aria-sort]", "aria-sort")).as("newest first, by id")
			.isEqualTo("descending");
		browser.script("document.querySelector('#board a.sort[data-sort=attempts]').focus()");
		browser.navigateBy(() -> browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER));
		browser.awaitLive();
		pagesSeen.add(browser.driver().getCurrentUrl());
		assertThat(browser.driver().getCurrentUrl()).contains("sort=attempts", "dir=desc");
		assertThat(browser.text("#board th[aria-sort=descending]")).startsWith("Attempts");
		assertThat(attemptsShown()).isSortedAccordingTo(Comparator.reverseOrder()).first().isNotEqualTo(0);

		String made = createTask(Map.of("prompt", "Sorted among the tasks with no attempt", "agent", "nobody"));
		String total = " of " + taskCount();
		browser.until(PATIENCE, (driver) -> browser.text("#board .pages").contains(total) ? true : null);
		assertThat(browser.text("#board th[aria-sort=descending]")).as("after a live refresh").startsWith("Attempts");
		assertThat(browser.driver().findElements(By.cssSelector("#board tr[data-task='" + made + "']")))
			.as("a task with no attempt is not on the first page of the most tried")
			.isEmpty();

		WebElement search = browser.driver().findElement(By.name("q"));
		search.sendKeys("Busy task");
		browser.navigateBy(() -> search.sendKeys(Keys.ENTER));
		browser.awaitLive();
		pagesSeen.add(browser.driver().getCurrentUrl());
		assertThat(browser.driver().getCurrentUrl()).as("a search keeps the order").contains("sort=attempts");
		assertThat(attemptsShown()).isSortedAccordingTo(Comparator.reverseOrder());
		checkEveryPageSeen();
	}

	@Test
	void tickedTasksStayChosenWhenARefreshMovesThemAndAreCancelledTogetherOnceConfirmed() throws Exception {
		open("/?state=pending&agent=nobody");
		browser.script("document.getElementById('select-all').click()");
		List<String> ticked = ticked();
		assertThat(ticked).as("select-all ticks the page").hasSize(TaskBoard.PAGE_SIZE);
		String pushed = ticked.get(ticked.size() - 1);

		String made = createTask(Map.of("prompt", "Arrives while the whole page is ticked", "agent", "nobody"));
		awaitRow(made);
		assertThat(ticked()).as("ticks kept by the live refresh").doesNotContain(made, pushed)
			.hasSize(TaskBoard.PAGE_SIZE - 1);
		assertThat(browser.script("const all = document.getElementById('select-all'); return [all.checked, all.indeterminate]"))
			.as("the select-all box with 24 of 25 ticked")
			.isEqualTo(List.of(false, true));
		assertThat(browser.text("#selection")).isEqualTo(TaskBoard.PAGE_SIZE + " selected, 1 not on this page");

		String kept = ticked.get(0);
		browser.script("document.querySelector(arguments[0]).focus()", "#board input[name=ids][value='" + kept + "']");
		browser.driver().switchTo().activeElement().sendKeys(Keys.SPACE);
		String pushedToo = ticked.get(ticked.size() - 2);
		awaitRow(createTask(Map.of("prompt", "Arrives while tasks are ticked", "agent", "nobody")));
		assertThat(browser.script("return document.activeElement.value")).as("focus stays on the box it was on")
			.isEqualTo(kept);
		int chosen = TaskBoard.PAGE_SIZE - 1;
		assertThat(browser.text("#selection")).isEqualTo(chosen + " selected, 2 not on this page");

		browser.navigateBy(() -> browser.script("document.querySelector('#bulk button[value=cancel]').click()"));
		pagesSeen.add(browser.driver().getCurrentUrl());
		assertThat(browser.text("main h1")).isEqualTo("Cancel " + chosen + " tasks?");
		assertThat(browser.text("#bulk-tasks")).as("the tasks chosen, with their titles, those moved off the page too")
			.contains(pushed + " — Busy task ", pushedToo + " — Busy task ")
			.doesNotContain(kept);
		assertThat(browser.attribute("#bulk-keep", "href")).as("Keep them as they are")
			.isEqualTo("/?state=pending&agent=nobody&page=1");
		assertThat(taskStatus(pushed)).as("nothing changes before the confirmation").isEqualTo("pending");
		browser.navigateBy(() -> browser.driver().findElement(By.id("bulk-confirm")).click());

		assertThat(URI.create(browser.driver().getCurrentUrl()).getQuery()).as("the board as it was")
			.isEqualTo("state=pending&agent=nobody&page=1");
		assertThat(browser.text("#bulk-outcome")).isEqualTo("Cancelled " + chosen + " tasks.");
		for (String id : ticked.subList(1, ticked.size())) {
			assertThat(taskStatus(id)).as(id).isEqualTo("cancelled");
		}
		assertThat(taskStatus(kept)).isEqualTo("pending");
		checkEveryPageSeen();
	}

	@Test
	void cancellingARunningTaskFromItsPageIsConfirmedFirst() throws Exception {
		String id = createTask(Map.of("prompt", "Worked on by an outside program", "title", "Long work", "agent", "holder"));
		Path tasks = WORKSPACE.resolve("tasks");
		Files.move(tasks.resolve(id + "_pending.md"), tasks.resolve(id + "_inprogress_holder.md"),
				StandardCopyOption.ATOMIC_MOVE);
		awaitStatus(id, "inprogress");
		open("/tasks/" + id);
		// The live region may be replaced at any moment, so the button is found and clicked in one step.
		browser.navigateBy(() -> browser.script("document.querySelector('#cancel-running button').click()"));
		pagesSeen.add(browser.driver().getCurrentUrl());
		assertThat(browser.text("main h1")).isEqualTo("Cancel 1 task?");
		assertThat(browser.text("#bulk-tasks")).isEqualTo(id + " — Long work (in progress)");
		assertThat(browser.text("main")).contains("An agent working on a task stops and publishes nothing");
		assertThat(taskStatus(id)).as("nothing changes before the confirmation").isEqualTo("inprogress");

		browser.navigateBy(() -> browser.driver().findElement(By.id("bulk-keep")).click());
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).isEqualTo("/tasks/" + id);
		assertThat(taskStatus(id)).as("kept as it was").isEqualTo("inprogress");

		browser.awaitLive();
		browser.navigateBy(() -> browser.script("document.querySelector('#cancel-running button').click()"));
		browser.navigateBy(() -> browser.driver().findElement(By.id("bulk-confirm")).click());
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).as("back on the task's page")
			.isEqualTo("/tasks/" + id);
		assertThat(browser.text("#detail h1 .state")).isEqualTo("cancelled");
		assertThat(taskStatus(id)).isEqualTo("cancelled");
		checkEveryPageSeen();
	}

	@Test
	void atFourHundredPixelsTheBoardTheNavAndTheFormShowEverythingInLightAndDark() throws Exception {
		List<String> problems = new ArrayList<>();
		try {
			browser.width(400);
			for (String scheme : List.of("light", "dark")) {
				browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
						Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
				for (String page : List.of("/", "/?state=cancelled", "/?sort=owner&dir=desc")) {
					browser.open(url(page));
					browser.awaitLive();
					String where = page + " at 400 px, " + scheme + ": ";
					browser.screenshot("operator-400px-" + scheme + "-" + page.length());
					@SuppressWarnings("unchecked")
					List<String> clipped = (List<String>) browser.script("""
							const wrap = document.querySelector('#board table.tasks').closest('.table-wrap');
							const found = [];
							if (wrap.scrollWidth > wrap.clientWidth + 1) {
							  found.push('the board scrolls sideways by ' + (wrap.scrollWidth - wrap.clientWidth) + ' px');
							}
							const edge = wrap.getBoundingClientRect().right + 1;
							document.querySelectorAll('#board tr[data-task] td, #board tr[data-task] .state').forEach((cell) => {
							  if (cell.getBoundingClientRect().right > edge || cell.scrollWidth > cell.clientWidth + 1) {
							    found.push(cell.closest('tr').dataset.task + ' cuts ' + cell.innerText.trim());
							  }
							});
							document.querySelectorAll('header nav a').forEach((link) => {
							  if (link.getClientRects().length > 1) {
							    found.push('the nav wraps ' + link.innerText.trim());
							  }
							});
							document.querySelectorAll('fieldset.kinds label').forEach((label) => {
							  const words = document.createRange();
							  words.selectNodeContents(label);
							  const text = [...label.childNodes].find((node) => node.nodeType === 3 && node.textContent.trim());
							  const range = document.createRange();
							  range.selectNodeContents(text);
							  const name = range.getBoundingClientRect();
							  const said = label.querySelector('small').getBoundingClientRect();
							  if (said.top < name.bottom - 1 && said.left < name.right) {
							    found.push('the description overlaps ' + text.textContent.trim());
							  }
							});
							return found;""");
					clipped.forEach((problem) -> problems.add(where + problem));
					browser.accessibilityProblems().forEach((problem) -> problems.add(where + problem));
				}
			}
		}
		finally {
			browser.width(0);
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
		assertThat(problems).as("what a 400 px screen cuts or overlaps").isEmpty();
	}

	@Test
	void theChartDrawsTheLastHalfHourWithAxesAndTellsAMinuteUnderThePointer() throws Exception {
		open("/");
		browser.until(PATIENCE, (driver) -> browser.script("return document.querySelector('#board .activity .uplot canvas')"));
		assertThat(browser.text("#board .activity .u-legend")).contains("Finished", "Failed", "Latency");
		assertThat(browser.script("return document.querySelectorAll('#board .activity .u-axis').length"))
			.as("time, tasks per minute and latency axes")
			.isEqualTo(3L);
		assertThat(((Number) browser.script("return document.querySelector('#board .activity .uplot').offsetWidth"
				+ " / document.querySelector('#board').offsetWidth")).doubleValue())
			.as("the chart's share of the board's width")
			.isGreaterThan(0.95);
		assertThat(browser.script("const u = document.querySelector('#board .activity .chart').spoolPlot.plot;"
				+ " return [document.querySelector('#board .activity .u-axis').offsetHeight >= 50, u.axes[2].label, u.axes[2].values(u, [0, 450, 1500, 120000])]"))
			.as("room for the date row; latency ticks that carry their unit, and no 'ms' label over them")
			.isEqualTo(List.of(true, "latency", List.of("0 ms", "450 ms", "1.5 s", "2 min")));

		// Pointed at again should a live refresh redraw the chart under the pointer.
		browser.until(PATIENCE, (driver) -> {
			WebElement plot = driver.findElement(By.cssSelector("#board .activity .u-over"));
			new Actions(driver).moveToElement(plot, plot.getSize().getWidth() / 2 - 2, 0).perform();
			String minute = browser.text("#board .activity .u-legend .u-series:first-child .u-value");
			return minute.matches(".*\\d{1,2}:\\d{2}.*") ? true : null;
		});

		browser.script("document.getElementById('agent-pace').open = true");
		assertThat(browser.text("#agent-pace tr[data-agent=nobody]")).as("the busy workspace's agent")
			.contains("nobody");
		browser.screenshot("operator-chart");
		checkEveryPageSeen();
	}

	@Test
	void everyPagePassesAxeAndFitsFourHundredPixels() throws Exception {
		open("/");
		open("/?q=no+such+words+anywhere");
		assertThat(browser.text("#board table.tasks tbody")).contains("No tasks match.");
		open("/?page=3&state=failed");
		open("/tasks/" + examples.get(0));
		open("/tasks/" + examples.get(1));
		open("/tasks/" + examples.get(2));
		open("/tasks/" + examples.get(3));
		open("/?retryOf=" + examples.get(1));
		open("/agents");
		browser.open(url("/manifest"));
		this.pagesSeen.add(url("/manifest"));
		checkEveryPageSeen();
	}

	@Test
	void everyErrorABrowserCanReachIsSpoolsOwnPageWithTheReasonAndAWayBack() throws Exception {
		String archived = createTask(Map.of("prompt", "Archived before anyone opens it", "agent", "nobody"));
		this.store.cancel(TaskId.parse(archived).orElseThrow());
		this.archive.archive(TaskId.parse(archived).orElseThrow());
		String task = examples.get(0).text();
		Map<String, String> reasons = new java.util.LinkedHashMap<>();
		reasons.put("/goals/" + task, "404 " + task + " is a task, not a goal");
		reasons.put("/goals/task_99999", "404 no task task_99999");
		reasons.put("/goals/nonsense", "400 'nonsense' is not a task id");
		reasons.put("/goals?size=7", "400 size must be 25, 50 or 100 rows a page, not 7");
		reasons.put("/pipelines?page=x", "400 'x' is not a valid page: a whole number is wanted");
		reasons.put("/retries?size=0", "400 size must be 25, 50 or 100 rows a page, not 0");
		reasons.put("/history?days=9", "400 days must be 7 or 30, not 9");
		reasons.put("/history?state=pending", "400 state must be done, failed or cancelled, not 'pending'");
		reasons.put("/archive?page=last", "400 'last' is not a valid page: a whole number is wanted");
		reasons.put("/?size=7", "400 size must be 25, 50 or 100 rows a page, not 7");
		reasons.put("/pipelines/pipeline_999", "404 no task belongs to pipeline_999");
		reasons.put("/agents/agent_a", "404 Spool has nothing at /agents/agent_a.");
		reasons.put("/tasks/" + task + "/output", "404 Spool has nothing at /tasks/" + task + "/output.");
		reasons.put("/tasks/" + archived, "404 " + archived + " is archived");
		reasons.put("/tasks/" + task + "/retry", "405 /tasks/" + task + "/retry does not take");
		for (Map.Entry<String, String> expected : reasons.entrySet()) {
			browser.open(url(expected.getKey()));
			this.pagesSeen.add(url(expected.getKey()));
			String status = expected.getValue().substring(0, 3);
			assertThat(browser.driver().getTitle()).as("the title of " + expected.getKey()).startsWith(status)
				.endsWith(" · Spool");
			assertThat(browser.attribute("html", "lang")).isEqualTo("en");
			assertThat(browser.text("main h1")).startsWith(status);
			assertThat(browser.text("main [role=alert]")).as("the reason on " + expected.getKey())
				.startsWith(expected.getValue().substring(4));
			assertThat(browser.attribute("main a[href='/']", "href")).as("the way back").isNotNull();
			assertThat(browser.consoleProblems()).as("the console on " + expected.getKey())
				.allMatch((message) -> message.endsWith("status of " + status + " ()"));
		}
		browser.open(url("/goals/" + task));
		browser.navigateBy(() -> browser.driver().findElement(By.linkText("Open " + task + " as a task")).click());
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).isEqualTo("/tasks/" + task);
		browser.open(url("/tasks"));
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).as("/tasks opened in a browser").isEqualTo("/");

		HttpResponse<String> goal = get("/api/goals/" + task, "text/html");
		assertThat(goal.statusCode()).isEqualTo(404);
		assertThat(goal.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(goal.body()).path("detail").asString()).isEqualTo(task + " is a task, not a goal");
		HttpResponse<String> unmapped = get("/api/no-such-thing", "text/html");
		assertThat(unmapped.statusCode()).isEqualTo(404);
		assertThat(unmapped.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		HttpResponse<String> icon = get("/favicon.ico", "image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8");
		assertThat(icon.statusCode()).isEqualTo(200);
		assertThat(icon.headers().firstValue("Content-Type")).hasValue("image/svg+xml");
		checkEveryPageSeen();
		assertThat(browser.consoleProblems()).as("the console after checking the error pages again")
			.allMatch((message) -> message.matches(".* status of 40[045] \\(\\)"));
	}

	@Test
	void aGoalPageFollowsTheGoalLiveAndOffersRetryAndCancel() throws Exception {
		String failing = post("/api/goals", Map.of("goal", DashboardModel.FAIL + " to plan this goal")).path("id")
			.asString();
		awaitStatus(failing, "failed");
		open("/goals/" + failing);
		assertThat(browser.text("#goal")).as("a goal that failed before it was planned")
			.contains("No plan: the goal failed before the orchestrator published one.")
			.doesNotContain("Not planned yet");
		browser.navigateBy(() -> browser.driver().findElement(By.xpath("//button[.='Retry the goal']")).click());
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).as("where Retry leads")
			.isEqualTo("/goals/" + failing);
		awaitStatus(failing, "failed");

		// A goal an outside orchestrator, "ghost", has claimed and works on: it stays in progress until cancelled.
		String claimed = "task_" + (9000 + taskCount());
		Path temporary = WORKSPACE.resolve("tasks").resolve("." + claimed + ".tmp");
		Files.writeString(temporary, "---\nkind: goal\ncreated_at: \"2026-01-01T00:00:00Z\"\n---\n\nPlan a picnic for the owls.\n");
		Files.move(temporary, WORKSPACE.resolve("tasks").resolve(claimed + "_inprogress_ghost.md"),
				StandardCopyOption.ATOMIC_MOVE);
		awaitStatus(claimed, "inprogress");
		open("/goals/" + claimed);
		assertThat(browser.text("#goal h1 .state")).isEqualTo("in progress");
		assertThat(browser.text("#goal")).contains("Being planned");
		browser.navigateBy(() -> browser.driver().findElement(By.xpath("//button[.='Cancel the goal']")).click());
		assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).isEqualTo("/goals/" + claimed);
		assertThat(browser.text("#goal h1 .state")).isEqualTo("cancelled");
		assertThat(browser.text("#goal")).contains("No plan: the goal was cancelled before it was planned.");
		browser.awaitLive();
		this.pagesSeen.add(url("/goals/" + claimed));

		browser.script("window.__noReload = true");
		this.store.retry(TaskId.parse(claimed).orElseThrow());
		browser.until(PATIENCE, (driver) -> !"cancelled".equals(browser.text("#goal h1 .state")));
		assertThat(browser.script("return window.__noReload === true")).as("the goal changed without a reload")
			.isEqualTo(true);
		checkEveryPageSeen();
	}

	@Test
	void aPausedPageKeepsItsContrastInLightAndDarkAndTheAgentsPageListsTasksApart() throws Exception {
		Path tasks = WORKSPACE.resolve("tasks");
		List<String> held = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			String id = createTask(Map.of("prompt", "Held by an outside program " + i, "agent", "holder"));
			Files.move(tasks.resolve(id + "_pending.md"), tasks.resolve(id + "_inprogress_holder.md"),
					StandardCopyOption.ATOMIC_MOVE);
			awaitStatus(id, "inprogress");
			held.add(id);
		}
		List<String> problems = new ArrayList<>();
		try {
			for (String scheme : List.of("light", "dark")) {
				browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
						Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
				for (String page : List.of("/", "/agents")) {
					open(page);
					browser.driver().findElement(By.id("live-toggle")).click();
					assertThat(browser.text("#live-status")).isEqualTo("Paused");
					browser.accessibilityProblems()
						.forEach((problem) -> problems.add(page + " paused, " + scheme + ": " + problem));
					browser.driver().findElement(By.id("live-toggle")).click();
					browser.awaitLive();
				}
			}
		}
		finally {
			browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
		}
		assertThat(problems).as("axe-core on paused pages").isEmpty();
		assertThat(browser.text("article.agent[data-agent=holder] dl")).as("what holder works on")
			.contains(held.get(0) + ", " + held.get(1));
		checkEveryPageSeen();
	}

	@Test
	void whileSpoolIsNotAnsweringTheFormKeepsWhatWasTypedAndTheTabSaysSo() throws Exception {
		open("/");
		String title = browser.driver().getTitle();
		WebElement form = browser.driver().findElement(By.cssSelector("#submit form"));
		form.findElement(By.name("prompt")).sendKeys("Typed while Spool is away");
		int tasks = taskCount();
		browser.driver().executeCdpCommand("Network.enable", Map.of());
		try {
			browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true,
					"latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
			// An open stream outlives the switch to offline; paused and resumed, the page finds Spool gone.
			browser.driver().findElement(By.id("live-toggle")).click();
			browser.driver().findElement(By.id("live-toggle")).click();
			browser.until(PATIENCE, (driver) -> "down".equals(browser.attribute("html", "data-server")));
			assertThat(browser.driver().getTitle()).as("the tab while Spool is not answering")
				.startsWith("Not answering · ")
				.doesNotContainPattern("\\d+ running");

			form.findElement(By.cssSelector("button[type=submit]")).click();
			browser.until(PATIENCE, (driver) -> browser.text("#form-down"));
			assertThat(browser.text("#form-down")).contains("nothing was sent");
			assertThat(URI.create(browser.driver().getCurrentUrl()).getPath()).as("still on the board").isEqualTo("/");
			assertThat(form.findElement(By.name("prompt")).getDomProperty("value")).isEqualTo("Typed while Spool is away");
		}
		finally {
			browser.driver().executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false,
					"latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
			browser.driver().executeCdpCommand("Network.disable", Map.of());
		}
		browser.awaitLive();
		browser.until(PATIENCE, (driver) -> browser.driver().getTitle().matches("\\d+ running · .*"));
		assertThat(taskCount()).as("tasks made while Spool was not answering").isEqualTo(tasks);
		browser.consoleProblems();
		browser.navigateBy(() -> browser.driver().findElement(By.cssSelector("#submit button[type=submit]")).click());
		assertThat(browser.driver().getCurrentUrl()).as("sent once Spool is back").contains("created=task_");
		assertThat(title).matches("\\d+ running · .*");
		checkEveryPageSeen();
	}

	// --- what a person sees

	/** Opens a page, waits until it is live, and keeps it to check with axe-core and at 400 px. */
	private void open(String path) {
		browser.open(url(path));
		browser.awaitLive();
		this.pagesSeen.add(url(path));
	}

	/** Every page this journey saw, again: axe-core finds nothing, and at 400 px wide nothing scrolls sideways. */
	private void checkEveryPageSeen() {
		String back = browser.driver().getCurrentUrl();
		List<String> problems = new ArrayList<>();
		for (String page : this.pagesSeen) {
			browser.open(page);
			browser.accessibilityProblems().forEach((problem) -> problems.add(page + ": " + problem));
			browser.width(400);
			try {
				long overflow = browser.sidewaysOverflow();
				if (overflow > 0) {
					problems.add(page + ": scrolls sideways by " + overflow + " px at 400 px wide");
					browser.screenshot("operator-400px-" + this.pagesSeen.indexOf(page));
				}
				browser.accessibilityProblems().forEach((problem) -> problems.add(page + " at 400 px: " + problem));
			}
			finally {
				browser.width(0);
			}
		}
		this.pagesSeen.clear();
		assertThat(problems).as("accessibility and width").isEmpty();
		browser.open(back);
	}

	private List<String> ticked() {
		@SuppressWarnings("unchecked")
		List<String> ids = (List<String>) browser
			.script("return [...document.querySelectorAll('#board input[name=ids]:checked')].map((box) => box.value)");
		return ids;
	}

	private String taskStatus(String id) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url("/api/tasks/" + id))).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body()).path("status").asString();
	}

	private List<Integer> attemptsShown() {
		@SuppressWarnings("unchecked")
		List<String> cells = (List<String>) browser
			.script("return [...document.querySelectorAll('#board tr[data-task] td:last-child')].map((td) => td.innerText.trim())");
		return cells.stream().map(Integer::valueOf).toList();
	}

	private String pendingInTitle() {
		String title = browser.driver().getTitle();
		assertThat(title).matches("\\d+ running · \\d+ pending · \\d+ failed · Tasks · Spool");
		return title.split(" · ")[1].replace(" pending", "");
	}

	private void awaitRow(String id) {
		browser.until(PATIENCE, (driver) -> driver.findElements(By.cssSelector("#board tr[data-task='" + id + "']"))
			.isEmpty() ? null : true);
	}

	private void awaitRowState(String id, String state) {
		browser.until(PATIENCE, (driver) -> driver
			.findElements(By.cssSelector("#board tr[data-task='" + id + "'][data-state='" + state + "']"))
			.isEmpty() ? null : true);
	}

	// --- the REST API, as another tool would use it

	private String createTask(Map<String, String> task) throws Exception {
		return post("/api/tasks", task).path("id").asString();
	}

	private JsonNode post(String path, Map<String, String> body) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url(path)))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body());
	}

	private HttpResponse<String> get(String path, String accept) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Accept", accept).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private int taskCount() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url("/api/tasks?limit=1"))).build(),
				HttpResponse.BodyHandlers.ofString());
		return JSON.readTree(response.body()).path("total").asInt();
	}

	private void awaitStatus(String id, String status) {
		Awaitility.await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create(url("/api/tasks/" + id))).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(JSON.readTree(response.body()).path("status").asString()).isEqualTo(status);
		});
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
