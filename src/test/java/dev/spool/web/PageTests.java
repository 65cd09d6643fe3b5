package dev.spool.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spool.tools.TaskIds;
import dev.spool.workspace.Claim;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.pipeline.Pipes;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.manifest.ManifestReader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.view;
import static dev.spool.workspace.TaskBuilder.aTask;

/** Every dashboard page and fragment, rendered by MockMvc against a real workspace with the offline model. */
@WebTest
class PageTests {

	private static final Path WORKSPACE = SharedWorkspace.folder();

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@Autowired
	Pipes pipes;

	@Test
	void amongManyTasksTheBoardAndTheTaskPageShowWhichSubmittedWhich() throws Exception {
		Task parent = this.store.create(new NewTask("Plan the survey", "Survey plan", "nobody", 0, List.of(), null));
		List<Task> children = new java.util.ArrayList<>();
		for (int i = 0; i < 120; i++) {
			NewTask task = new NewTask("Filler " + i, "Filler " + i, "nobody", 0, List.of(), null);
			Task made = this.store.create((i % 40 == 0) ? task.withParent(parent.id()) : task);
			if (made.document().parent() != null) {
				children.add(made);
			}
		}
		Task grandchild = this.store.create(
				new NewTask("Deeper", "Deeper step", "nobody", 0, List.of(), null).withParent(children.get(0).id()));
		this.store.cancel(children.get(1).id());

		this.mvc.perform(get("/tasks/" + parent.id()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("Subtasks (3)"),
					containsString("<li data-task=\"" + children.get(0).id() + "\">"),
					containsString("<li data-task=\"" + children.get(2).id() + "\">"),
					containsString("state-cancelled"), not(containsString("Submitted by")),
					not(containsString("data-task=\"" + grandchild.id() + "\"")))));
		this.mvc.perform(get("/tasks/" + grandchild.id()).header("HX-Request", "true"))
			.andExpect(content().string(allOf(containsString("Submitted by"),
					containsString("href=\"/tasks/" + children.get(0).id() + "\""), not(containsString("Subtasks (")))));
		this.mvc.perform(get("/").param("q", parent.id().text()))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("data-task=\"" + parent.id() + "\""),
					containsString("3 subtasks"), containsString("data-task=\"" + children.get(2).id() + "\""),
					containsString("↳ from <a href=\"/tasks/" + parent.id() + "\">" + parent.id() + "</a>"),
					not(containsString("Filler 1<")), not(containsString("data-task=\"" + grandchild.id() + "\"")))));
		this.mvc.perform(get("/").param("q", children.get(0).id().text()).header("HX-Request", "true"))
			.andExpect(content().string(allOf(containsString("1 subtask<"),
					containsString("data-task=\"" + grandchild.id() + "\""))));
	}

	@Test
	void theBoardShowsCountsRowsTheFormTheChartAndTheOfflineBanner() throws Exception {
		Task held = this.store.create(aTask("Board row prompt").titled("Board row").held().build());

		this.mvc.perform(get("/"))
			.andExpect(status().isOk())
			.andExpect(view().name("index"))
			.andExpect(content().string(allOf(containsString("data-task=\"" + held.id() + "\""),
					containsString("Board row"), containsString("id=\"offline-banner\""),
					containsString("<label for=\"prompt\">Prompt</label>"), containsString("data-count=\"pending\""),
					containsString("<option value=\"agent_a\">agent_a</option>"),
					containsString("Tasks finished per minute"), containsString("id=\"activity-data\""))));
	}

	@Test
	void filesSpoolLeavesAloneAreFlaggedOnTheBoard() throws Exception {
		Files.writeString(WORKSPACE.resolve("tasks/notes.txt"), "not a task");
		Files.write(WORKSPACE.resolve("tasks/task_90000_pending.md"), new byte[] { 0, 1, 2 });

		// The watcher may see the file empty first, then written; the board converges on what is on disk.
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> this.mvc.perform(get("/"))
				.andExpect(content().string(allOf(containsString("Files Spool leaves alone"),
						containsString("<code>notes.txt</code>"), containsString("task_90000"),
						containsString("is binary, not text")))));
	}

	@Test
	void aLiveRefreshGetsOnlyTheBoard() throws Exception {
		this.mvc.perform(get("/").header("HX-Request", "true"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("id=\"board\""), not(containsString("<html")),
					not(containsString("New task")))));
	}

	@Test
	void theBoardFiltersByStateAgentAndText() throws Exception {
		this.store.create(aTask("Find the needle").titled("Haystack").forAgent("finder").build());
		this.store.create(aTask("Something else").titled("Other").held().build());

		this.mvc.perform(get("/").param("q", "needle"))
			.andExpect(content().string(allOf(containsString("Haystack"), not(containsString(">Other<")))));
		this.mvc.perform(get("/").param("agent", "finder"))
			.andExpect(content().string(allOf(containsString("Haystack"), not(containsString(">Other<")))));
		this.mvc.perform(get("/").param("state", "done"))
			.andExpect(content().string(not(containsString("Haystack"))));
		this.mvc.perform(get("/"))
			.andExpect(content().string(allOf(containsString("<option value=\"inprogress\">in progress</option>"),
					not(containsString(">inprogress<")))));
	}

	@Test
	void theBoardRendersOnePageOfALargeWorkspace() throws Exception {
		for (int i = 0; i < TaskBoard.PAGE_SIZE + 5; i++) {
			this.store.create(aTask("bulk " + i).titled("Bulk " + i).held().build());
		}

		String html = this.mvc.perform(get("/").param("q", "bulk"))
			.andReturn()
			.getResponse()
			.getContentAsString();

		assertThat(html.split("data-task=\"").length - 1).isEqualTo(TaskBoard.PAGE_SIZE);
		assertThat(html).contains("1–25 of ").contains("rel=\"next\"");
	}

	@Test
	void submittingTheFormCreatesATaskAndBadInputIsShownWithTheFormKept() throws Exception {
		this.mvc.perform(post("/tasks").with(csrf()).param("prompt", "From the form").param("title", "Form task")
			.param("agent", "nobody").param("priority", "4").param("dependsOn", ""))
			.andExpect(redirectedUrlPattern("/?created=task_*"));
		assertThat(this.store.index().all()).anyMatch((task) -> "Form task".equals(task.title())
				&& task.document().priority() == 4 && "nobody".equals(task.document().agent()));

		this.mvc.perform(post("/tasks").with(csrf()).param("prompt", "kept text").param("dependsOn", "task_99999"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(allOf(containsString("depends on task_99999, which does not exist"),
					containsString("kept text"))));
		this.mvc.perform(post("/tasks").with(csrf()).param("prompt", " ")).andExpect(status().isBadRequest());
		// Other tests' goals are planned into tasks meanwhile, so look for these tasks rather than count them all.
		this.store.index().rescan();
		assertThat(this.store.index().all()).as("tasks written for refused forms")
			.noneMatch((task) -> task.summary().contains("kept text"));
	}

	@Test
	void theFormMakesAGoalForTheOrchestratorAndLeadsToItsPage() throws Exception {
		String page = this.mvc.perform(post("/tasks").with(csrf()).param("kind", "goal")
			.param("prompt", "Count the owls in the wood.").param("title", "Owl census").param("priority", "3")
			.param("agent", "").param("role", "").param("dependsOn", ""))
			.andExpect(status().isFound())
			.andExpect(redirectedUrlPattern("/goals/task_*"))
			.andReturn()
			.getResponse()
			.getRedirectedUrl();
		Task goal = this.store.index().find(TaskIds.parse(page.substring("/goals/".length()))).orElseThrow();

		assertThat(goal.document().kind()).isEqualTo(TaskDocument.Kind.GOAL);
		assertThat(goal.title()).isEqualTo("Owl census");
		assertThat(goal.document().priority()).isEqualTo(3);
		assertThat(goal.document().agent()).isNull();
		assertThat(this.store.readPrompt(goal.id())).isEqualTo("Count the owls in the wood.");
		assertThat(taskFile(goal)).contains("kind: goal", "priority: 3");
		this.mvc.perform(get(page)).andExpect(status().isOk()).andExpect(content().string(containsString("Owl census")));
	}

	@Test
	void theFormMakesAPipelineOneTaskPerStageAndLeadsToItsPage() throws Exception {
		String stages = "agent: nobody\r\nDraft a haiku about pipes\r\n---\r\nagent: nobody\r\n"
				+ "title: Translation\r\nTranslate it into French.\r\nKeep the form.\r\n---\r\nrole: general\r\n"
				+ "Check it";
		String page = this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "files")
			.param("prompt", stages).param("title", "Haiku").param("priority", "0"))
			.andExpect(redirectedUrlPattern("/pipelines/pipeline_*"))
			.andReturn()
			.getResponse()
			.getRedirectedUrl();
		String pipeline = page.substring("/pipelines/".length());
		List<Task> made = this.store.index()
			.all()
			.stream()
			.filter((task) -> task.document().pipeline() != null
					&& task.document().pipeline().pipeline().equals(pipeline))
			.sorted(java.util.Comparator.comparingInt((Task task) -> task.document().pipeline().stage()))
			.toList();

		assertThat(made).extracting(Task::title).containsExactly("Haiku, stage 1", "Translation", "Haiku, stage 3");
		assertThat(made).extracting((task) -> task.document().agent()).containsExactly("nobody", "nobody", null);
		assertThat(made.get(2).document().role()).isEqualTo("general");
		assertThat(this.store.readPrompt(made.get(0).id())).isEqualTo("Draft a haiku about pipes");
		assertThat(this.store.readPrompt(made.get(1).id())).isEqualTo("Translate it into French.\nKeep the form.");
		assertThat(made.get(1).dependsOn()).containsExactly(made.get(0).id());
		assertThat(made.get(2).dependsOn()).containsExactly(made.get(1).id());
		assertThat(taskFile(made.get(1))).contains("pipeline: " + pipeline, "stage: 2", "transport: files",
				"depends_on: [" + made.get(0).id() + "]");
		this.mvc.perform(get(page)).andExpect(status().isOk()).andExpect(content().string(containsString("Translation")));
		this.store.claim(made.get(0), "nobody").orElseThrow();
		this.mvc.perform(get(page))
			.andExpect(content().string(containsString(">in progress</span>")))
			.andExpect(content().string(org.hamcrest.Matchers.not(containsString(">inprogress<"))));
	}

	@Test
	void theFormMakesAFifoPipelineWhereNamedPipesExist() throws Exception {
		assumeTrue(this.pipes.available(), "this system cannot make named pipes");
		this.mvc.perform(get("/"))
			.andExpect(content().string(allOf(containsString("value=\"fifo\""), not(containsString("id=\"fifo-note\"")))));

		String page = this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "fifo")
			.param("prompt", "agent: nobody\nWrite\n---\nagent: nobody\nRead"))
			.andExpect(redirectedUrlPattern("/pipelines/pipeline_*"))
			.andReturn()
			.getResponse()
			.getRedirectedUrl();
		String pipeline = page.substring("/pipelines/".length());
		List<Task> made = this.store.index()
			.all()
			.stream()
			.filter((task) -> task.document().pipeline() != null
					&& task.document().pipeline().pipeline().equals(pipeline))
			.toList();

		assertThat(made).hasSize(2).allSatisfy((task) -> {
			assertThat(task.dependsOn()).as("a fifo stage streams, it does not depend").isEmpty();
			assertThat(taskFile(task)).contains("transport: fifo");
		});
	}

	@Test
	void aRefusedGoalOrPipelineWritesNothingAndShowsTheErrorBesideTheKeptForm() throws Exception {
		long tasks = this.store.index().size();
		List<String> reservations = reservedPipelines();

		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "goal").param("prompt", "  "))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(allOf(containsString("the goal is missing or empty"),
					containsString("id=\"form-error\""), containsString("value=\"goal\" checked"))));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "goal").param("prompt", "Plan a party")
			.param("agent", "agent_a"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(allOf(containsString("leave Agent and Role empty for a goal"),
					containsString(">Plan a party</textarea>"))));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "files")
			.param("prompt", "Only one stage"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(allOf(containsString("a pipeline has two or more stages"),
					containsString("value=\"pipeline\" checked"), containsString(">Only one stage</textarea>"))));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "files")
			.param("prompt", "First\n---\nagent: not a name!\nSecond"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("stage 2: ")));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "files")
			.param("prompt", "First\n---\n\n---\nThird"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("stage 2: the prompt is missing or empty")));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "carrier pigeon")
			.param("prompt", "First\n---\nSecond"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("unknown transport")));
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "poem").param("prompt", "Roses"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("unknown kind")));
		this.mvc.perform(post("/tasks").param("kind", "goal").param("prompt", "Without a token"))
			.andExpect(status().isForbidden());

		assertThat(this.store.index().size()).isEqualTo(tasks);
		assertThat(reservedPipelines()).as("no pipeline id was reserved").isEqualTo(reservations);
	}

	@Test
	void aTaskPageRendersPromptAndResultAsSafeMarkdownWithItsTimeline() throws Exception {
		Task task = this.store.create(NewTask.of("# Heading\n\n<script>alert(1)</script> <img src=x onerror=alert(2)>"
				+ "\n\nLinks: [bad](javascript:alert(3)) [good](https://example.org)"));
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.store.index().find(task.id()).orElseThrow().lastDone() != null);

		String html = this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();

		assertThat(html).contains("<h1>Heading</h1>", "&lt;script&gt;alert(1)&lt;/script&gt;",
				"&lt;img src=x onerror=alert(2)&gt;", "href=\"https://example.org\"", "id=\"result\"",
				"Offline model", "claimed", "Retry with changes");
		assertThat(html).doesNotContain("<script>alert", "<img src=x", "javascript:alert");
	}

	@Test
	void aFailedTaskShowsItsErrorOnTheBoardAndItsPageWithARetryButton() throws Exception {
		Task task = this.store.create(aTask("will fail").titled("Doomed").held().build());
		for (int attempt = 0; attempt < 3; attempt++) {
			Claim claim = this.store.claim(this.store.index().find(task.id()).orElseThrow(), "nobody").orElseThrow();
			this.store.fail(claim, "the model endpoint answered HTTP 500: boom");
		}

		this.mvc.perform(get("/").param("state", "failed"))
			.andExpect(content().string(allOf(containsString("Doomed"), containsString("class=\"reason\""),
					containsString("HTTP 500: boom"))));
		this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(content().string(allOf(containsString("HTTP 500: boom (attempt 3 of 3)"),
					containsString("/tasks/" + task.id() + "/retry"))));
		this.mvc.perform(post("/tasks/" + task.id() + "/retry").with(csrf()))
			.andExpect(redirectedUrl("/tasks/" + task.id()));
		assertThat(state(task)).isEqualTo(TaskState.PENDING);
	}

	@Test
	void retryWithChangesOpensTheFormFilledWithTheTask() throws Exception {
		Task task = this.store.create(aTask("Original prompt").titled("Original").held().priority(7).build());

		this.mvc.perform(get("/").param("retryOf", task.id().text()))
			.andExpect(content().string(allOf(containsString(">Original prompt</textarea>"),
					containsString("value=\"Original\""), containsString("value=\"7\""),
					containsString("name=\"retryOf\" value=\"" + task.id() + "\""))));
		Task made = made(this.mvc
			.perform(post("/tasks").with(csrf()).param("prompt", "Fixed prompt").param("retryOf", task.id().text()))
			.andExpect(redirectedUrlPattern("/?created=task_*")));
		assertThat(made.document().retryOf()).isEqualTo(task.id());
	}

	@Test
	void retryWithChangesOnASubtaskKeepsItsParentItsDependenciesAndItsLimits() throws Exception {
		Task parent = this.store.create(aTask("Plan the report").held().build());
		Task figures = this.store.create(aTask("Gather the figures").held().build());
		TaskId chapter = handWritten("failed", "title: Chapter one\nagent: nobody\npriority: 4\ndepends_on: ["
				+ figures.id() + "]\nmax_attempts: 5\nbudget_tokens: 20000\nparent: " + parent.id(), "Write chapter one");

		this.mvc.perform(get("/").param("retryOf", chapter.text()))
			.andExpect(content().string(allOf(containsString(">Write chapter one</textarea>"),
					containsString("name=\"dependsOn\" value=\"" + figures.id() + "\""))));
		Task made = made(this.mvc.perform(post("/").with(csrf()).param("kind", "task")
				.param("prompt", "Write chapter one, shorter").param("title", "Chapter one").param("agent", "nobody")
				.param("priority", "4").param("dependsOn", figures.id().text()).param("retryOf", chapter.text()))
			.andExpect(redirectedUrlPattern("/?created=task_*")));

		TaskDocument rework = made.document();
		assertThat(rework.retryOf()).isEqualTo(chapter);
		assertThat(rework.parent()).isEqualTo(parent.id());
		assertThat(rework.dependsOn()).containsExactly(figures.id());
		assertThat(rework.maxAttempts()).isEqualTo(5);
		assertThat(rework.budgetTokens()).isEqualTo(20000L);
		assertThat(rework.agent()).isEqualTo("nobody");
		assertThat(rework.priority()).isEqualTo(4);
		assertThat(this.store.index().queries().children(parent.id())).extracting(Task::id)
			.contains(made.id());
	}

	@Test
	void retryWithChangesOnAGoalMakesAGoalThatKeepsItsParentAndItsBudget() throws Exception {
		Task parent = this.store.create(aTask("Plan the study").held().build());
		TaskId survey = handWritten("failed", "kind: goal\ntitle: Survey\nbudget_tokens: 50000\nparent: " + parent.id(),
				"Survey the field");

		this.mvc.perform(get("/").param("retryOf", survey.text()))
			.andExpect(content().string(containsString("name=\"retryOf\" value=\"" + survey + "\"")));
		TaskDocument rework = made(this.mvc.perform(post("/").with(csrf()).param("kind", "goal")
				.param("prompt", "Survey the field since 2020").param("title", "Survey").param("priority", "0")
				.param("retryOf", survey.text()))
			.andExpect(redirectedUrlPattern("/goals/task_*"))).document();

		assertThat(rework.retryOf()).isEqualTo(survey);
		assertThat(rework.kind()).isEqualTo(TaskDocument.Kind.GOAL);
		assertThat(rework.parent()).isEqualTo(parent.id());
		assertThat(rework.budgetTokens()).isEqualTo(50000L);
	}

	/** A task file written by hand, under an id reserved for it, once the index has it. */
	private TaskId handWritten(String state, String frontMatter, String prompt) throws java.io.IOException {
		TaskId id = this.store.reserve(1).get(0);
		Files.writeString(WORKSPACE.resolve("tasks/" + id + "_" + state + ".md"),
				"---\n" + frontMatter + "\n---\n" + prompt + "\n");
		Awaitility.await().until(() -> this.store.index().find(id).isPresent());
		return id;
	}

	/**
	 * The task a form made, by the id its redirect names: found by id, since an agent may be claiming it and the list of
	 * all tasks misses one for the instant of a rename.
	 */
	private Task made(ResultActions posted) {
		Matcher id = Pattern.compile("task_\\d+").matcher(posted.andReturn().getResponse().getRedirectedUrl());
		assertThat(id.find()).as("the redirect names what was made").isTrue();
		return this.store.index().find(TaskIds.parse(id.group())).orElseThrow();
	}

	@Test
	void aQuietClaimIsFlaggedAndCanBeRequeuedAndCancelled() throws Exception {
		Task task = this.store.create(aTask("stuck").titled("Stuck").held().build());
		this.store.claim(task, "nobody").orElseThrow();

		this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(content().string(allOf(containsString("Requeue now"), containsString("Cancel"))));
		this.mvc.perform(post("/tasks/" + task.id() + "/requeue").with(csrf()))
			.andExpect(redirectedUrl("/tasks/" + task.id()));
		assertThat(state(task)).isEqualTo(TaskState.PENDING);
		assertThat(this.store.index().find(task.id()).orElseThrow().attempts())
			.as("a person's requeue spends no attempt").isZero();
		this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(content().string(allOf(containsString("requeued by a person"),
					not(containsString("taken back")))));
		this.mvc.perform(post("/tasks/" + task.id() + "/cancel").with(csrf()));
		assertThat(state(task)).isEqualTo(TaskState.CANCELLED);
		this.mvc.perform(post("/tasks/" + task.id() + "/cancel").with(csrf())).andExpect(status().isConflict());
	}

	@Test
	void unknownAndMalformedIdsGetAnErrorPage() throws Exception {
		this.mvc.perform(get("/tasks/task_99999"))
			.andExpect(status().isNotFound())
			.andExpect(content().string(containsString("no task task_99999")));
		this.mvc.perform(get("/tasks/not-an-id")).andExpect(status().isBadRequest());
	}

	@Test
	void theAgentsPageShowsEveryAgentWithItsPromptAndState() throws Exception {
		this.mvc.perform(get("/agents"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("data-agent=\"agent_a\""),
					containsString("data-state=\"idle\""), containsString("You are agent_a"),
					containsString("System prompt"))));
		this.mvc.perform(get("/agents").header("HX-Request", "true"))
			.andExpect(content().string(allOf(containsString("id=\"agents\""), not(containsString("<html")))));
	}

	@Test
	void theManifestPageShowsEachEntryCollapsibleWithALinkToTheRawFile() throws Exception {
		Task task = this.store.create(aTask("in manifest").titled("Listed").held().build());
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> ManifestReader.read(WORKSPACE).toString().contains(task.id().text()));

		this.mvc.perform(get("/manifest"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("<details"), containsString(task.id().text()),
					containsString("&quot;status&quot; : &quot;pending&quot;"), containsString("/api/manifest"))));
	}

	private List<String> reservedPipelines() throws java.io.IOException {
		Path folder = WORKSPACE.resolve(".spool/pipelines");
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (java.util.stream.Stream<Path> files = Files.list(folder)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

	/** The task's file as it is on disk now, whatever state its name says. */
	private static String taskFile(Task task) throws java.io.IOException {
		for (int look = 1;; look++) {
			try (java.util.stream.Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
				Path file = files.filter((path) -> path.getFileName().toString().startsWith(task.id() + "_"))
					.findFirst()
					.orElseThrow();
				return Files.readString(file);
			}
			catch (java.nio.file.NoSuchFileException ex) {
				// An agent renamed it between the listing and the read; look again.
				if (look == 5) {
					throw ex;
				}
			}
		}
	}

	private TaskState state(Task task) {
		return this.store.index().find(task.id()).orElseThrow().state();
	}

}
