package dev.spool.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spool.archive.Archive;
import dev.spool.pipeline.Pipeline;
import dev.spool.pipeline.Pipelines;
import dev.spool.workspace.Answer;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.Claim;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static dev.spool.workspace.TaskBuilder.aGoal;
import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The operator's views beside the board, on a workspace of many tasks an agent nobody runs holds still: retries,
 * history, the archive, goals and pipelines, each a page at a time with the shared pager.
 */
@WebTest
class ViewPagesTests {

	private static final Path WORKSPACE = TestWorkspaces.create("view-pages");

	private static final Pattern ROW = Pattern.compile("data-task=\"(task_\\d+)\"");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.max-attempts", () -> "3");
	}

	@Autowired
	MockMvc mvc;

	/** Tasks that failed one attempt and wait for another, oldest first. */
	private static final List<TaskId> retrying = new ArrayList<>();

	private static TaskId fine;

	private static TaskId archived;

	private static TaskId goal;

	private static Pipeline pipeline;

	@BeforeAll
	static void fill(@Autowired TaskStore store, @Autowired Archive archive, @Autowired Pipelines pipelines) {
		if (!retrying.isEmpty()) {
			return; // a rerun of a failed test finds the workspace filled
		}
		for (int i = 0; i < 60; i++) {
			TaskId id = store.create(aTask("Flaky " + i).titled("Flaky " + i).held().build()).id();
			store.fail(claim(store, id), "the model endpoint answered HTTP 503: busy " + i);
			retrying.add(id);
		}
		fine = store.create(aTask("Fine").titled("Fine").held().build()).id();
		store.complete(claim(store, fine), new Answer("fine", "stub-model", false, null));
		TaskId retried = store.create(aTask("Retried by a person").held().build()).id();
		for (int i = 0; i < 3; i++) {
			store.fail(claim(store, retried), "boom");
		}
		store.retry(retried);
		archived = store.create(aTask("Archived soon").titled("Put away").held().build()).id();
		store.complete(claim(store, archived), new Answer("put away", "stub-model", false, null));
		assertThat(archive.archive(archived)).isTrue();
		goal = store.create(aGoal("Plan a picnic").titled("Picnic").held().build()).id();
		pipeline = pipelines.create(PipelineStage.Transport.FILES,
				List.of(new Pipelines.StageRequest("Draft it", "Draft", "nobody", null),
						new Pipelines.StageRequest("Polish it", "Polish", "nobody", null)));
		for (Task stage : pipeline.stages()) {
			store.complete(claim(store, stage.id()), new Answer("stage answer", "stub-model", false, null));
		}
	}

	static Claim claim(TaskStore store, TaskId id) {
		return store.claim(store.index().find(id).orElseThrow(), "nobody").orElseThrow();
	}

	@Test
	void retriesListsTasksPendingAfterAFailedAttemptWithTheirErrorAndWhenTheyWillBeTried() throws Exception {
		String page = page("/retries");

		assertThat(rows(page)).hasSize(25).startsWith(retrying.get(59).text(), retrying.get(58).text());
		assertThat(page).contains("60 to retry · Retries · Spool", "the model endpoint answered HTTP 503: busy 59",
				"1 of 3", "by nobody", "1–25 of 60",
				"when nobody (not defined in agents/: an outside program) takes it")
			.contains("href=\"/tasks/bulk?action=cancel&amp;ids=" + retrying.get(59).text() + "\"");
		assertThat(page).as("a task a person retried is not a retry, nor one that finished").doesNotContain("Fine<",
				"Retried by a person");
	}

	@Test
	void retriesPageAtATimeInTheSizeAskedFor() throws Exception {
		String last = page("/retries?page=2&size=50");

		assertThat(rows(last)).hasSize(10).endsWith(retrying.get(0).text());
		assertThat(last).contains("51–60 of 60", "href=\"/retries?size=50\"", "aria-current=\"page\"");
		assertThat(rows(page("/retries?page=99"))).as("a page past the last shows the last")
			.endsWith(retrying.get(0).text());
	}

	@Test
	void badQueryParametersGetAClearPageNotAFailure() throws Exception {
		for (String path : List.of("/retries?size=7", "/retries?page=two", "/retries?size=lots")) {
			String body = this.mvc.perform(get(path).accept("text/html"))
				.andExpect(status().isBadRequest())
				.andReturn()
				.getResponse()
				.getContentAsString();
			assertThat(body).as(path).contains("400 Bad Request", "Back to the tasks");
		}
		assertThat(this.mvc.perform(get("/retries?size=7").accept("text/html")).andReturn().getResponse()
			.getContentAsString()).contains("size must be 25, 50 or 100 rows a page, not 7");
		assertThat(this.mvc.perform(get("/retries?page=two").accept("text/html")).andReturn().getResponse()
			.getContentAsString()).contains("&#39;two&#39; is not a valid page: a whole number is wanted");
	}

	@Test
	void historySaysEachDayFromTheRecordsAndListsFinishedTasksWithWhenAndHowLong() throws Exception {
		String page = page("/history");

		assertThat(page).contains("History, last 7 days · Spool", "63 failed attempts", "4 finished (0.6 a day)")
			.containsPattern("data-day=\"\\d{4}-\\d\\d-\\d\\d\">");
		assertThat(page.split("data-day=").length - 1).isEqualTo(7);
		assertThat(rows(page)).as("done tasks on the board, newest first")
			.containsExactly(pipeline.stages().get(1).id().text(), pipeline.stages().get(0).id().text(), fine.text());
		assertThat(page).contains("<td>63</td>");
		assertThat(page("/history?days=30").split("data-day=").length - 1).isEqualTo(30);
		assertThat(rows(page("/history?state=failed"))).isEmpty();
		assertThat(page("/history?state=failed")).contains("No task is <span>failed</span>.");
	}

	@Test
	void historyRefusesAWindowOrStateItDoesNotShow() throws Exception {
		assertThat(badRequest("/history?days=9")).contains("days must be 7 or 30, not 9");
		assertThat(badRequest("/history?state=pending")).contains("state must be done, failed or cancelled");
		assertThat(badRequest("/history?days=week")).contains("is not a valid days");
	}

	@Test
	void theBoardPagesInTheSizeAskedForWithJumpsThatKeepTheFilterAndOrder() throws Exception {
		String first = page("/?state=pending&sort=attempts&dir=desc&size=50");

		assertThat(rows(first)).hasSize(50);
		assertThat(first).contains("1–50 of " + (pending()))
			.contains("href=\"/?dir=desc&amp;sort=attempts&amp;state=pending&amp;size=50&amp;page=2\"")
			.contains("aria-label=\"Last page\"")
			.doesNotContain("aria-label=\"First page\"");
		assertThat(first).as("sorting keeps the size").contains("size=50&amp;page=1");
		String second = page("/?state=pending&sort=attempts&dir=desc&size=50&page=2");
		assertThat(rows(second)).hasSize(pending() - 50);
		assertThat(second).contains("aria-label=\"First page\"", "rel=\"prev\"").doesNotContain("rel=\"next\"");
		assertThat(rows(page("/?state=pending&size=100"))).hasSize(pending());
		assertThat(badRequest("/?size=7")).contains("size must be 25, 50 or 100 rows a page, not 7");
		assertThat(badRequest("/?page=last")).contains("is not a valid page");
	}

	@Test
	void theArchiveGoalsAndPipelinesAreListedEachLeadingToItsPage() throws Exception {
		String archivePage = page("/archive");
		assertThat(rows(archivePage)).containsExactly(archived.text());
		assertThat(archivePage).contains("Put away", "state-done", "href=\"/tasks/" + archived.text() + "\"", "1–1 of 1");

		assertThat(page("/goals")).contains("href=\"/goals/" + goal.text() + "\"", "Picnic", "1 goals · Goals · Spool");
		String pipelinesPage = page("/pipelines");
		assertThat(pipelinesPage).contains("href=\"/pipelines/" + pipeline.id() + "\"", "Draft", "2 (files)",
				"state-done");

		String pipelinePage = page("/pipelines/" + pipeline.id());
		assertThat(pipelinePage).contains("class=\"muted stage-ran\">ran 0 s<")
			.contains("Final output: <a href=\"/tasks/" + pipeline.stages().get(1).id().text() + "\"");
		for (String list : List.of("/archive?size=3", "/goals?page=x", "/pipelines?size=0")) {
			assertThat(badRequest(list)).as(list).contains("400 Bad Request");
		}
	}

	/** The tasks pending: those to retry, the one a person retried and the goal nobody plans. */
	private static int pending() {
		return retrying.size() + 2;
	}

	@Test
	void theBoardShowsPrioritySortsByItAndAPendingTaskSaysWhatItWaitsFor() throws Exception {
		String sorted = page("/?state=pending&sort=priority&dir=desc");
		assertThat(sorted).contains("aria-sort=\"descending\"><a class=\"sort\" href=\"/?state=pending&amp;sort=priority&amp;dir=asc&amp;page=1\"");

		String task = page("/tasks/" + retrying.get(0).text());
		assertThat(task).contains("Waits for nobody, which agents/ does not define: an outside program must take it.")
			.doesNotContain("In the queue:");
		assertThat(TaskQueue.ordinal(1) + TaskQueue.ordinal(2) + TaskQueue.ordinal(3) + TaskQueue.ordinal(11)
				+ TaskQueue.ordinal(22) + TaskQueue.ordinal(40)).isEqualTo("1st2nd3rd11th22nd40th");
	}

	String badRequest(String path) throws Exception {
		return this.mvc.perform(get(path).accept("text/html"))
			.andExpect(status().isBadRequest())
			.andReturn()
			.getResponse()
			.getContentAsString();
	}

	String page(String path) throws Exception {
		return this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
	}

	static List<String> rows(String page) {
		List<String> ids = new ArrayList<>();
		Matcher matcher = ROW.matcher(page);
		while (matcher.find()) {
			ids.add(matcher.group(1));
		}
		return ids;
	}

}
