package dev.spool.goal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.NestedDispatches;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TokenUsage;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aGoal;

/**
 * Goals against an OpenAI-compatible endpoint played by a {@link ModelStub}: the orchestrator's plan, as the
 * endpoint returns it, becomes subtasks whose answers the final task combines into the goal's result; plans that
 * cannot be trusted are refused. The endpoint tells requests apart by what they ask: a plan (the goal's text names
 * the case), a step, or the final answer; every answer carries a counter, so no two are alike. Plans of the cases
 * {@code counted} and {@code costly} come with token counts, each under a model name of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@AutoConfigureMockMvc
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.max-attempts=2", "spool.max-plan-steps=3",
		"spool.retry-backoff=50ms", "spool.heartbeat-interval=500ms", "spool.task-timeout=20s" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@Import(NestedDispatches.class)
class GoalEndpointTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final JsonMapper JSON = JsonMapper.builder().build();

	/** Made before the context starts, and not removed under it while it still writes (as {@code @TempDir} would). */
	static final Path workspace = workspaceFolder();

	static Path workspaceFolder() {
		try {
			return Files.createTempDirectory("spool-goals-stub-");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	static ModelStub endpoint;

	@BeforeAll
	static void start() throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(agents.resolve("tester.md"), "---\nconcurrency: 3\nroles: [writer]\n---\nYou test.\n");
		Files.writeString(agents.resolve("orchestrator.md"), "---\nroles: [planner]\n---\nYou plan for tests.\n");
		endpoint = ModelStub.start().otherwise(GoalEndpointTests::answer);
	}

	@AfterAll
	static void stop() {
		endpoint.close();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
		registry.add("spring.ai.openai.base-url", () -> endpoint.baseUrl());
	}

	@Autowired
	TaskStore store;

	@Autowired
	MockMvc mvc;

	@Test
	void aPlansRoleIsMatchedWithoutRegardToCaseAsAgentsMatchIt() throws Exception {
		Task goal = this.store.create(goal("shouting: write about owls"));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		Task step = steps(goal.id()).get(0);
		assertThat(step.document().role()).as("tester lists writer, which agents match as WRITER").isEqualTo("WRITER");
		assertThat(step.owner()).isEqualTo("tester");
	}

	@Test
	void planBecomesSubtasksWhoseFinalAnswerIsTheGoalsResult() throws Exception {
		Task goal = this.store.create(goal("happy: write about owls"));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(done.owner()).isEqualTo("orchestrator");
		List<Task> steps = steps(goal.id());
		assertThat(steps).extracting((task) -> task.document().goal().step()).containsExactly("1", "2", "final");
		Task first = steps.get(0);
		Task second = steps.get(1);
		Task last = steps.get(2);
		assertThat(first.document().kind()).isEqualTo(TaskDocument.Kind.TASK);
		assertThat(first.dependsOn()).isEmpty();
		assertThat(first.document().agent()).isNull();
		assertThat(second.dependsOn()).containsExactly(first.id());
		assertThat(second.document().agent()).isEqualTo("tester");
		assertThat(second.document().role()).isEqualTo("writer");
		assertThat(last.dependsOn()).containsExactly(first.id(), second.id());
		assertThat(this.store.readPrompt(first.id())).matches("Gather owl facts \\(plan \\d+\\)");
		assertThat(this.store.readPrompt(last.id())).startsWith("Combine the results").endsWith("happy: write about owls");
		assertThat(steps).allMatch((task) -> task.state() == TaskState.DONE);
		String finalOutput = this.store.readOutput(last.id()).orElseThrow();
		assertThat(finalOutput).matches("final answer \\d+");
		assertThat(this.store.readOutput(goal.id())).contains(finalOutput);
		String file = Files.readString(workspace.resolve("tasks").resolve(second.id().text() + "_done.md"));
		assertThat(file).contains("goal: " + goal.id().text() + "\n", "step: 2\n",
				"depends_on: [" + first.id().text() + "]\n");
		assertThat(workspace.resolve(".spool/plans/" + goal.id().text() + ".json")).exists();
		JsonNode planRequest = planRequests().get(0);
		assertThat(planRequest.path("messages").get(0).path("content").toString()).contains("You plan for tests.");
	}

	@Test
	void answerThatIsNotJsonIsRetriedThenFailsTheGoalWithTheAnswerKept() throws Exception {
		Task goal = this.store.create(goal("notjson: anything"));

		Task failed = finished(goal.id());

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		failed = await().atMost(PATIENCE)
			.until(() -> this.store.index().find(goal.id()).orElseThrow(), (task) -> task.attempts() == 2);
		assertThat(failed.error()).contains("not a plan in JSON", ".spool/plans/" + goal.id().text() + ".rejected.2.txt");
		assertThat(workspace.resolve(".spool/plans/" + goal.id().text() + ".rejected.1.txt"))
			.content(StandardCharsets.UTF_8)
			.matches("I would rather chat \\(plan \\d+\\)");
		assertThat(steps(goal.id())).isEmpty();
		assertThat(workspace.resolve(".spool/plans/" + goal.id().text() + ".json")).doesNotExist();
	}

	@Test
	void planWithNoStepsIsRefused() throws Exception {
		assertRefused("empty: nothing to do", "the plan has no steps");
	}

	@Test
	void planWithMoreStepsThanAllowedIsRefused() throws Exception {
		assertRefused("toomany: a big job", "the plan has 4 steps, more than the limit of 3");
	}

	@Test
	void planWithACycleIsRefused() throws Exception {
		assertRefused("cycle: round and round", "cycle");
	}

	@Test
	void planNamingAStepThatDoesNotExistIsRefused() throws Exception {
		assertRefused("missing: a step too far", "depends on step 7, which does not exist");
	}

	@Test
	void unknownAgentAndRoleFallBackToAnyAgent() throws Exception {
		Task goal = this.store.create(goal("unknown: ghosts"));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		Task first = steps(goal.id()).get(0);
		assertThat(first.document().agent()).isNull();
		assertThat(first.document().role()).isNull();
		assertThat(first.owner()).isEqualTo("tester");
	}

	@Test
	void cancellingAGoalCancelsItsOpenSubtasks() throws Exception {
		Task goal = this.store.create(goal("cancel: slow work"));
		await().atMost(PATIENCE).until(() -> steps(goal.id()).size() == 3);

		this.store.cancel(goal.id());

		await().atMost(PATIENCE).untilAsserted(() -> assertThat(steps(goal.id()))
			.allMatch((task) -> task.state() == TaskState.CANCELLED || task.state() == TaskState.FAILED,
					"cancelled (or failed as a dependant of a cancelled task)")
			.anyMatch((task) -> task.state() == TaskState.CANCELLED));
		assertThat(this.store.index().find(goal.id()).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
		assertThat(NestedDispatches.seen()).as("changes heard inside another change's dispatch").isEmpty();
	}

	@Test
	void aSecondPassAfterACrashCreatesOnlyTheMissingSubtasks() throws Exception {
		// What a process that died while creating subtasks leaves: the plan, step 1's task, nothing else.
		TaskId goalId = new TaskId("task_900", 900);
		Path plans = Files.createDirectories(workspace.resolve(".spool/plans"));
		Files.writeString(plans.resolve("task_900.json"), "{\"steps\":[{\"prompt\":\"Crash step one\"},"
				+ "{\"prompt\":\"Crash step two\",\"dependsOn\":[1]}]}");
		writeTask("task_899_pending.md", "---\ngoal: task_900\nstep: 1\n---\nCrash step one\n");
		writeTask("task_900_pending.md", "---\nkind: goal\ntitle: Crashed\n---\ncrash: resumed goal\n");

		Task done = finished(goalId);

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		List<Task> steps = steps(goalId);
		assertThat(steps).extracting((task) -> task.document().goal().step()).containsExactly("1", "2", "final");
		assertThat(steps.get(0).id().text()).isEqualTo("task_899");
		assertThat(steps.get(1).dependsOn()).containsExactly(new TaskId("task_899", 899));
		assertThat(planRequests()).noneMatch((request) -> request.toString().contains("crash: resumed goal"));
	}

	@Test
	void planningRecordsTheOrchestratorsTokensWithoutCountingAnAttempt() throws Exception {
		Task goal = this.store.create(goal("counted: a planned census"));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(done.attempts()).as("planning is not an attempt").isEqualTo(1);
		Attempt planned = done.history().get(0);
		assertThat(planned.outcome()).isEqualTo(Attempt.Outcome.PLANNED);
		assertThat(planned.agent()).isEqualTo("orchestrator");
		assertThat(planned.model()).isEqualTo("planner-model");
		assertThat(planned.tokens()).as("as the model reported them").isEqualTo(new TokenUsage(300, 40, 340));
		JsonNode usage = JSON.readTree(page("/api/usage?days=1"));
		JsonNode row = null;
		for (JsonNode day : usage.path("days")) {
			if (day.path("agent").asString().equals("orchestrator") && day.path("model").asString().equals("planner-model")) {
				row = day;
			}
		}
		assertThat(row).as("the orchestrator's row in %s", usage).isNotNull();
		assertThat(row.path("tokens").path("total").asLong()).isEqualTo(340);
		String agents = page("/agents");
		String orchestrator = agents.substring(agents.indexOf("data-agent=\"orchestrator\""));
		orchestrator = orchestrator.substring(0, orchestrator.indexOf("</article>"));
		assertThat(orchestrator).containsPattern("class=\"tokens-today\">[1-9][0-9,]* tokens")
			.as("agents/orchestrator.md defines it").doesNotContain("outside program")
			.contains("You plan for tests.");
	}

	@Test
	void aGoalThatSpentItsOwnBudgetOnPlanningFailsWithReasonBudgetWithoutAnotherCall() throws Exception {
		writeTask("task_2000_pending.md", "---\nkind: goal\nbudget_tokens: 100\n---\ncostly: a chatty planner\n");
		TaskId id = new TaskId("task_2000", 2000);

		Task failed = await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).orElse(null), (task) -> task != null
					&& task.state() == TaskState.FAILED && task.error() != null && task.error().startsWith("budget:"));

		assertThat(failed.error()).isEqualTo("budget: task_2000 spent 340 of 100 tokens (budget_tokens)");
		assertThat(planRequests()).filteredOn((request) -> request.toString().contains("costly: a chatty planner"))
			.as("one call: the first answer was refused, and the second pass found the budget spent")
			.hasSize(1);
		assertThat(failed.history()).extracting(Attempt::outcome)
			.containsExactly(Attempt.Outcome.PLANNED, Attempt.Outcome.ERROR, Attempt.Outcome.ERROR);
	}

	private String page(String path) throws Exception {
		return this.mvc.perform(get(path)).andExpect(status().isOk()).andReturn().getResponse()
			.getContentAsString(StandardCharsets.UTF_8);
	}

	@Test
	void aKeptPlanWithMoreStepsThanAllowedFailsTheGoalWithoutCreatingAnyTask() throws Exception {
		// A plan in .spool/plans/ that Spool did not write: 4 steps, over spool.max-plan-steps=3.
		TaskId goalId = new TaskId("task_5000", 5000);
		Path plans = Files.createDirectories(workspace.resolve(".spool/plans"));
		Files.writeString(plans.resolve("task_5000.json"), "{\"steps\":[{\"prompt\":\"Kept one\"},"
				+ "{\"prompt\":\"Kept two\"},{\"prompt\":\"Kept three\"},{\"prompt\":\"Kept four\"}]}");
		writeTask("task_5000_pending.md", "---\nkind: goal\n---\nkept: too many steps\n");

		Task failed = finished(goalId);

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).isEqualTo("the plan kept in .spool/plans/task_5000.json is refused: the plan has 4 "
				+ "steps, more than the limit of 3 (spool.max-plan-steps); remove that file and retry the goal to plan "
				+ "it again");
		assertThat(failed.attempts()).as("another attempt would read the same file").isEqualTo(1);
		assertThat(steps(goalId)).isEmpty();
		assertThat(planRequests()).noneMatch((request) -> request.toString().contains("kept: too many steps"));
	}

	@Test
	void aKeptPlanThatIsALinkOrTooLargeIsRefusedUnread() throws Exception {
		Path plans = Files.createDirectories(workspace.resolve(".spool/plans"));
		Path elsewhere = Files.writeString(workspace.resolve("elsewhere.json"), "{\"steps\":[{\"prompt\":\"x\"}]}");
		Files.createSymbolicLink(plans.resolve("task_3000.json"), elsewhere);
		writeTask("task_3000_pending.md", "---\nkind: goal\n---\nkept: a link\n");
		Files.writeString(plans.resolve("task_3001.json"), "{\"steps\":[{\"prompt\":\"" + "x".repeat(1 << 20)
				+ "\"}]}");
		writeTask("task_3001_pending.md", "---\nkind: goal\n---\nkept: a huge plan\n");

		Task linked = finished(new TaskId("task_3000", 3000));
		Task huge = finished(new TaskId("task_3001", 3001));

		assertThat(linked.state()).isEqualTo(TaskState.FAILED);
		assertThat(linked.error()).startsWith("the plan kept in .spool/plans/task_3000.json is refused: ")
			.contains("symbolic link");
		assertThat(huge.state()).isEqualTo(TaskState.FAILED);
		assertThat(huge.error()).startsWith("the plan kept in .spool/plans/task_3001.json is refused: ")
			.contains("larger than 1048576 bytes");
		assertThat(steps(linked.id())).isEmpty();
		assertThat(steps(huge.id())).isEmpty();
	}

	@Test
	void aRefusedPlanIsAskedForAgainWithWhyItWasRefusedAndTheModelRepairsIt() throws Exception {
		Task goal = this.store.create(goal("repair: a plan that loops at first"));

		Task done = finished(goal.id());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(done.history()).filteredOn((entry) -> entry.outcome() == Attempt.Outcome.ERROR)
			.singleElement()
			.satisfies((refused) -> assertThat(refused.error()).startsWith("the plan's dependencies form a cycle"));
		List<String> asked = planRequests().stream()
			.map((body) -> body.toString())
			.filter((body) -> body.contains("repair: a plan that loops at first"))
			.toList();
		assertThat(asked).hasSize(2);
		assertThat(asked.get(0)).doesNotContain("was refused");
		assertThat(asked.get(1)).contains("was refused as a plan: the plan's dependencies form a cycle through step 1")
			.contains("Send a corrected plan")
			.contains("Loop (plan ");
		assertThat(steps(goal.id())).extracting((step) -> step.document().prompt())
			.as("the repaired plan's one step, then the final task")
			.hasSize(2)
			.first()
			.satisfies((prompt) -> assertThat(prompt).startsWith("Mended (plan "));
	}

	@Test
	void aRefusedAnswerThatCannotBeReadIsSaidToBeUnreadableWhenThePlanIsAskedForAgain(CapturedOutput output)
			throws Exception {
		Path plans = Files.createDirectories(workspace.resolve(".spool/plans"));
		List<String> ids = this.store.reserve(3).stream().map(TaskId::text).toList();
		Path elsewhere = Files.writeString(workspace.resolve("elsewhere.txt"), "an answer kept elsewhere");
		Files.createSymbolicLink(plans.resolve(ids.get(0) + ".rejected.1.txt"), elsewhere);
		Files.writeString(plans.resolve(ids.get(1) + ".rejected.1.txt"), "x".repeat(GoalPlans.MAX_PLAN_BYTES + 1));
		Process mkfifo = new ProcessBuilder("mkfifo", plans.resolve(ids.get(2) + ".rejected.1.txt").toString()).start();
		assertThat(mkfifo.waitFor()).isZero();
		Map<String, String> planted = Map.of(ids.get(0), "symbolic link", ids.get(1), "larger than 1048576 bytes",
				ids.get(2), "named pipe");
		for (String id : planted.keySet()) {
			// The goal's first attempt ended with its plan refused, as the planner records it.
			Files.createDirectories(workspace.resolve(".spool/attempts"));
			Files.writeString(workspace.resolve(".spool/attempts/" + id + ".1.json"), """
					{"number": 1, "outcome": "ERROR", "agent": "orchestrator", "started_at": "2026-01-01T00:00:00Z",
					 "finished_at": "2026-01-01T00:00:01Z",
					 "error": "the plan has no steps (the answer is kept in .spool/plans/%s.rejected.1.txt)"}
					""".formatted(id));
			writeTask(id + "_pending.md", "---\nkind: goal\n---\nunreadable: " + id + "\n");
		}

		for (Map.Entry<String, String> goal : planted.entrySet()) {
			Task done = finished(TaskId.parse(goal.getKey()).orElseThrow());
			assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
			String asked = planRequests().stream()
				.map(JsonNode::toString)
				.filter((body) -> body.contains("unreadable: " + goal.getKey()))
				.collect(Collectors.joining());
			assertThat(asked).contains("was refused as a plan: the plan has no steps. Send a corrected plan.")
				.contains("The refused answer could not be read (")
				.contains(goal.getValue())
				.doesNotContain("an answer kept elsewhere");
			assertThat(output.getAll().lines()
				.filter((line) -> line.contains("The answer refused as " + goal.getKey() + "'s plan at attempt 1 "
						+ "could not be read, so the model is asked again without it: "))
				.toList()).singleElement().asString().contains(goal.getValue());
		}
	}

	private void assertRefused(String text, String reason) throws Exception {
		Task goal = this.store.create(goal(text));

		Task failed = finished(goal.id());

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).contains(reason);
		assertThat(steps(goal.id())).isEmpty();
	}

	private static void writeTask(String name, String content) throws IOException {
		Path tasks = workspace.resolve("tasks");
		Path temp = tasks.resolve("." + name + ".tmp");
		Files.writeString(temp, content);
		Files.move(temp, tasks.resolve(name));
	}

	private static NewTask goal(String text) {
		return aGoal(text).build();
	}

	private Task finished(TaskId id) {
		return await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).orElse(null),
					// A failure's record follows its rename by a moment, as a done task's output follows its commit.
					(task) -> task != null && task.state().isFinished()
							&& (task.state() != TaskState.FAILED || task.error() != null)
							&& (task.state() != TaskState.DONE || task.hasOutput()));
	}

	private List<Task> steps(TaskId goal) {
		return this.store.index()
			.all()
			.stream()
			.filter((task) -> task.document().goal() != null && task.document().goal().goal().equals(goal))
			.sorted(Comparator.comparing((Task task) -> task.document().goal().isFinal())
				.thenComparing((Task task) -> task.document().goal().step()))
			.toList();
	}

	/** The model's answer: a plan by case, an answer to a step, or a final answer, each with the request's number. */
	private static ModelReply answer(ModelRequest request) {
		String user = request.prompt();
		int n = request.number();
		if (isPlan(request)) {
			ModelReply plan = ModelReply.text(plan(user, n));
			if (user.startsWith("counted:") || user.startsWith("costly:")) {
				return plan.usage(300, 40).model(user.startsWith("counted:") ? "planner-model" : "costly-model");
			}
			return plan;
		}
		// The final task's prompt comes after its steps' outputs, which it is handed first.
		if (user.contains("## Your task\n\nCombine the results")) {
			return ModelReply.text("final answer " + n);
		}
		ModelReply answer = ModelReply.text("step answer " + n);
		return user.startsWith("Slow") ? answer.after(Duration.ofSeconds(3)) : answer;
	}

	private static boolean isPlan(ModelRequest request) {
		return request.prompt().contains("JSON Schema");
	}

	/** The bodies of the requests for a plan, in order of arrival. */
	private static List<JsonNode> planRequests() {
		return endpoint.requests().stream().filter(GoalEndpointTests::isPlan).map(ModelRequest::body).toList();
	}

	private static String plan(String user, int n) {
		String tag = " (plan " + n + ")";
		if (user.startsWith("happy:")) {
			return "```json\n{\"steps\": [{\"title\": \"Facts\", \"prompt\": \"Gather owl facts" + tag
					+ "\"}, {\"title\": \"Draft\", \"prompt\": \"Write the draft" + tag
					+ "\", \"agent\": \"tester\", \"role\": \"writer\", \"dependsOn\": [1]}]}\n```";
		}
		if (user.startsWith("counted:")) {
			return "{\"steps\": [{\"prompt\": \"Count" + tag + "\"}]}";
		}
		if (user.startsWith("shouting:")) {
			return "{\"steps\": [{\"prompt\": \"Write loudly" + tag + "\", \"role\": \"WRITER\"}]}";
		}
		if (user.startsWith("notjson:") || user.startsWith("costly:")) {
			return "I would rather chat" + tag;
		}
		if (user.startsWith("empty:")) {
			return "{\"steps\": []}";
		}
		if (user.startsWith("toomany:")) {
			return "{\"steps\": [{\"prompt\": \"a" + tag + "\"}, {\"prompt\": \"b\"}, {\"prompt\": \"c\"},"
					+ " {\"prompt\": \"d\"}]}";
		}
		if (user.startsWith("cycle:")) {
			return "{\"steps\": [{\"prompt\": \"a" + tag + "\", \"dependsOn\": [2]},"
					+ " {\"prompt\": \"b\", \"dependsOn\": [1]}]}";
		}
		if (user.startsWith("unreadable:")) {
			return "{\"steps\": [{\"prompt\": \"Plan anew" + tag + "\"}]}";
		}
		if (user.startsWith("repair:")) {
			// Repaired only when told what was wrong with the first plan.
			return user.contains("was refused as a plan: the plan's dependencies form a cycle through step")
					? "{\"steps\": [{\"prompt\": \"Mended" + tag + "\"}]}"
					: "{\"steps\": [{\"prompt\": \"Loop" + tag + "\", \"dependsOn\": [1]}]}";
		}
		if (user.startsWith("missing:")) {
			return "{\"steps\": [{\"prompt\": \"a" + tag + "\", \"dependsOn\": [7]}]}";
		}
		if (user.startsWith("unknown:")) {
			return "{\"steps\": [{\"prompt\": \"Haunt" + tag + "\", \"agent\": \"ghost\", \"role\": \"astronaut\"}]}";
		}
		if (user.startsWith("cancel:")) {
			return "{\"steps\": [{\"prompt\": \"Slow one" + tag + "\"}, {\"prompt\": \"Slow two\", \"dependsOn\": [1]}]}";
		}
		return "{\"steps\": [{\"prompt\": \"Unexpected" + tag + "\"}]}";
	}

}
