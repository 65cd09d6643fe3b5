package dev.spool.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;

import dev.spool.workspace.Answer;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Cancel or retry many tasks at once, from the board (a confirmation page, then one sentence saying what happened)
 * and from {@code POST /api/tasks/bulk}; tasks that changed meanwhile are reported, bad input changes nothing.
 */
@WebTest
class BulkActionTests {

	private static final Path WORKSPACE = TestWorkspaces.create("bulk");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@Test
	void theApiCancelsTheChosenTasksAndReportsThoseThatHadFinished() throws Exception {
		TaskId pending = aPendingTask().id();
		TaskId otherPending = aPendingTask().id();
		TaskId done = aDoneTask().id();

		this.mvc
			.perform(post("/api/tasks/bulk").contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\": \"cancel\", \"ids\": [\"" + pending + "\", \"" + done + "\", \"" + otherPending
						+ "\", \"task_99999\"]}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.changed.length()").value(2))
			.andExpect(jsonPath("$.changed[0]").value(pending.text()))
			.andExpect(jsonPath("$.changed[1]").value(otherPending.text()))
			.andExpect(jsonPath("$.skipped[0].id").value(done.text()))
			.andExpect(jsonPath("$.skipped[0].reason").value("had already finished"))
			.andExpect(jsonPath("$.summary")
				.value("Cancelled 2 tasks; 1 had already finished; 1 was not found."));

		assertThat(fileOf(pending)).isEqualTo(pending + "_cancelled.md");
		assertThat(fileOf(otherPending)).isEqualTo(otherPending + "_cancelled.md");
		assertThat(fileOf(done)).isEqualTo(done + "_done.md");
	}

	@Test
	void theApiRetriesEveryFailedTask() throws Exception {
		TaskId failed = aFailedTask().id();
		TaskId alsoFailed = aFailedTask().id();

		this.mvc
			.perform(post("/api/tasks/bulk").contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\": \"retry\", \"status\": \"failed\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.summary", containsString("Retried")));

		assertThat(fileOf(failed)).isEqualTo(failed + "_pending.md");
		assertThat(fileOf(alsoFailed)).isEqualTo(alsoFailed + "_pending.md");
		assertThat(this.store.index().queries().count(TaskState.FAILED)).isZero();
	}

	@Test
	void badInputChangesNothing() throws Exception {
		TaskId pending = aPendingTask().id();
		for (String body : List.of("{\"action\": \"delete\", \"ids\": [\"" + pending + "\"]}",
				"{\"action\": \"cancel\", \"ids\": [\"" + pending + "\", \"not-an-id\"]}",
				"{\"action\": \"cancel\", \"ids\": [\"" + pending + "\"], \"status\": \"pending\"}",
				"{\"action\": \"cancel\"}", "{\"action\": \"cancel\", \"status\": \"sleeping\"}",
				"{\"action\": \"cancel\", \"ids\": [\"" + pending + "\"], \"force\": true}",
				"{\"action\": \"archive\", \"status\": \"done\"}", "{\"action\": \"cancel\", \"olderThanDays\": 3}",
				"{\"action\": \"archive\", \"olderThanDays\": -1}")) {
			this.mvc.perform(post("/api/tasks/bulk").contentType(MediaType.APPLICATION_JSON).content(body))
				.andExpect(status().isBadRequest())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
		}
		assertThat(fileOf(pending)).isEqualTo(pending + "_pending.md");
	}

	@Test
	void theBoardAsksToConfirmThenSaysWhatItDid() throws Exception {
		TaskId first = aPendingTask().id();
		TaskId second = aPendingTask().id();
		TaskId done = aDoneTask().id();

		this.mvc.perform(get("/"))
			.andExpect(content().string(containsString("<input type=\"checkbox\" name=\"ids\" form=\"bulk\" value=\""
					+ first + "\" aria-label=\"Select " + first + "\">")));
		String confirm = this.mvc
			.perform(get("/tasks/bulk").param("action", "cancel").param("ids", first.text(), second.text(), done.text()))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(confirm).contains("Cancel 2 of 3 tasks?", first + " — Wait for a person (pending)",
				"1 cannot be cancelled: " + done + " (done).", "name=\"_csrf\"");
		assertThat(fileOf(first)).as("nothing changes before the confirmation").isEqualTo(first + "_pending.md");

		this.mvc.perform(post("/tasks/bulk").param("action", "cancel").param("ids", first.text()))
			.andExpect(status().isForbidden());
		this.mvc
			.perform(post("/tasks/bulk").with(csrf())
				.param("action", "cancel")
				.param("ids", first.text(), second.text(), done.text()))
			.andExpect(redirectedUrl("/"))
			.andExpect(flash().attribute("bulkOutcome", "Cancelled 2 tasks; 1 had already finished."));
		assertThat(fileOf(second)).isEqualTo(second + "_cancelled.md");

		this.mvc.perform(get("/").flashAttr("bulkOutcome", "Cancelled 2 tasks; 1 had already finished."))
			.andExpect(content().string(containsString("Cancelled 2 tasks; 1 had already finished.")));
		this.mvc.perform(get("/tasks/bulk").param("action", "cancel"))
			.andExpect(content().string(containsString("No tasks chosen")));
		this.mvc.perform(get("/tasks/bulk").param("action", "cancel").param("status", "pending"))
			.andExpect(content().string(containsString("Cancel every pending task?")));
	}

	@Test
	void theConfirmationSaysHowManyOfTheChosenCanBeChangedAndLeadsBackToTheBoardAsItWas() throws Exception {
		TaskId failed = aFailedTask().id();
		TaskId pending = aPendingTask().id();
		TaskId done = aDoneTask().id();
		String board = "/?state=failed&q=Wait&sort=age&dir=asc&page=2";

		String confirm = this.mvc
			.perform(get("/tasks/bulk").param("action", "retry")
				.param("ids", failed.text(), pending.text(), done.text())
				.param("back", board))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(confirm).contains("Retry 1 of 3 tasks?", failed + " — Wait for a person (failed)",
				"2 cannot be retried: " + pending + " (pending), " + done + " (done).", "Retry it</button>",
				"<a href=\"/?state=failed&amp;q=Wait&amp;sort=age&amp;dir=asc&amp;page=2\" role=\"button\"");
		this.mvc
			.perform(post("/tasks/bulk").with(csrf())
				.param("action", "retry")
				.param("ids", failed.text(), pending.text())
				.param("back", board))
			.andExpect(redirectedUrl(board))
			.andExpect(flash().attribute("bulkOutcome", "Retried 1 task; 1 was not failed or cancelled."));

		for (String elsewhere : List.of("//example.com/", "https://example.com/", "/\\example.com", "/agents",
				"/?q=a b", "/#top")) {
			this.mvc.perform(post("/tasks/bulk").with(csrf()).param("action", "cancel").param("ids", done.text())
				.param("back", elsewhere)).andExpect(redirectedUrl("/"));
		}
		this.mvc.perform(post("/tasks/bulk").with(csrf()).param("action", "cancel").param("ids", done.text())
			.param("back", "/tasks/" + done)).andExpect(redirectedUrl("/tasks/" + done));
	}

	@Test
	void finishedTasksAreArchivedByAgeAndAnArchivedTaskIsGoneFromTheBoardAndTheApi() throws Exception {
		TaskId done = aDoneTask().id();
		TaskId pending = aPendingTask().id();

		this.mvc.perform(get("/tasks/bulk").param("action", "archive").param("olderThanDays", "0"))
			.andExpect(content().string(containsString("finished more than 0 days ago?")));
		this.mvc
			.perform(post("/api/tasks/bulk").contentType(MediaType.APPLICATION_JSON)
				.content("{\"action\": \"archive\", \"olderThanDays\": 0}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.summary", containsString("Archived")));

		assertThat(WORKSPACE.resolve("archive/tasks").resolve(done + "_done.md")).exists();
		assertThat(WORKSPACE.resolve("archive/outputs").resolve(done + "_result.md")).exists();
		assertThat(fileOf(pending)).isEqualTo(pending + "_pending.md");
		Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> this.mvc
			.perform(get("/api/tasks/" + done))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.detail").value(done + " is archived: its files are in archive/tasks/ and archive/outputs/")));
		this.mvc.perform(get("/"))
			.andExpect(content().string(not(containsString("data-task=\"" + done + "\""))));
	}

	// --- tasks, made through the workspace's own verbs

	private Task aPendingTask() {
		return this.store.create(aTask("Wait for a person").held().build());
	}

	private Task aDoneTask() {
		Task task = aPendingTask();
		this.store.complete(this.store.claim(task, "nobody").orElseThrow(),
				new Answer("Done.", "stub-model", false, null));
		return task;
	}

	private Task aFailedTask() {
		Task task = aPendingTask();
		while (this.store.index().find(task.id()).orElseThrow().state() != TaskState.FAILED) {
			this.store.fail(this.store.claim(this.store.index().find(task.id()).orElseThrow(), "nobody").orElseThrow(),
					"it broke");
		}
		return task;
	}

	private String fileOf(TaskId id) throws Exception {
		try (var files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.startsWith(id.text() + "_"))
				.findFirst()
				.orElseThrow();
		}
	}

}
