package dev.spool.goal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.jayway.jsonpath.JsonPath;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A goal with {@code review: true}: the orchestrator's plan waits in review, with no step submitted, until a person
 * approves it; a rejected plan is planned again, the model shown the plan and the note. The model is a local stub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@AutoConfigureMockMvc
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spring.ai.openai.max-retries=0", "spool.max-attempts=1" })
@DirtiesContext
class GoalReviewTests {

	static final Duration PATIENCE = Duration.ofSeconds(60);

	static final Path workspace = folder();

	static ModelStub endpoint;

	static Path folder() {
		try {
			return Files.createTempDirectory("spool-goal-review-");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@BeforeAll
	static void start() throws IOException {
		Path agents = Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(agents.resolve("tester.md"), "---\nconcurrency: 2\n---\nYou test.\n");
		// Tools would make it work the goal as a conversation; a goal under review is planned once all the same.
		Files.writeString(agents.resolve("orchestrator.md"), "---\ntools: [spool]\n---\nYou plan for tests.\n");
		endpoint = ModelStub.start().otherwise(GoalReviewTests::answer);
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
	void anApprovedPlanIsCarriedOutOnlyOnceApproved() throws Exception {
		TaskId goal = submit("Owls at night");
		awaitState(goal, TaskState.REVIEW);

		assertThat(steps(goal)).as("no step before the approval").isEmpty();
		assertThat(output(goal)).contains("Proposed plan", "Watch owls at night (plan");
		this.mvc.perform(get("/goals/" + goal))
			.andExpect(content().string(org.hamcrest.Matchers.containsString("Approve the plan")))
			.andExpect(content().string(org.hamcrest.Matchers.containsString("Watch owls at night (plan")));

		this.mvc.perform(post("/api/tasks/" + goal + "/approve").contentType(MediaType.APPLICATION_JSON)
			.content("{\"by\":\"alice\"}")).andExpect(status().isOk());

		awaitState(goal, TaskState.DONE);
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.store.readOutput(goal)).get(InstanceOfAssertFactories.STRING)
			.startsWith("final answer"));
		assertThat(planPrompts("Owls at night")).as("planned once").hasSize(1);
		assertThat(steps(goal)).extracting((task) -> task.document().goal().step())
			.containsExactlyInAnyOrder("1", "final");
	}

	@Test
	void aRejectedPlanIsPlannedAgainWithThePlanAndTheNoteAndWaitsForApprovalAgain() throws Exception {
		TaskId goal = submit("Owls by day");
		awaitState(goal, TaskState.REVIEW);
		String first = output(goal);

		this.mvc.perform(post("/api/tasks/" + goal + "/reject").contentType(MediaType.APPLICATION_JSON)
			.content("{\"note\":\"Add a step on where they sleep.\",\"by\":\"bob\"}")).andExpect(status().isOk());

		await().atMost(PATIENCE).until(() -> planPrompts("Owls by day").size() == 2);
		awaitState(goal, TaskState.REVIEW);
		String again = planPrompts("Owls by day").get(1);
		assertThat(again).contains("## Your previous answer, rejected by a reviewer\n\n" + first.strip())
			.contains("## The reviewer's note\n\nAdd a step on where they sleep.");
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(this.store.readOutput(goal)).get().isNotEqualTo(first));
		assertThat(steps(goal)).isEmpty();

		this.store.approve(goal, "bob");
		awaitState(goal, TaskState.DONE);
		assertThat(planPrompts("Owls by day")).hasSize(2);
	}

	private TaskId submit(String goal) throws Exception {
		String body = this.mvc.perform(post("/api/goals").contentType(MediaType.APPLICATION_JSON)
			.content("{\"goal\":\"" + goal + "\",\"review\":true}"))
			.andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return TaskId.parse(JsonPath.read(body, "$.id")).orElseThrow();
	}

	private List<Task> steps(TaskId goal) {
		return this.store.index().all().stream()
			.filter((task) -> task.document().goal() != null && task.document().goal().goal().equals(goal))
			.toList();
	}

	/** The task's answer, which is linked into outputs/ just after the rename that publishes it. */
	private String output(TaskId id) {
		return await().atMost(PATIENCE).until(() -> this.store.readOutput(id), Optional::isPresent).orElseThrow();
	}

	private void awaitState(TaskId id, TaskState state) {
		await().atMost(PATIENCE).until(() -> this.store.index().find(id).map(Task::state).orElse(null) == state);
	}

	private static List<String> planPrompts(String goal) {
		return endpoint.requests().stream().filter(GoalReviewTests::isPlan).map(ModelRequest::prompt)
			.filter((prompt) -> prompt.contains(goal)).toList();
	}

	private static boolean isPlan(ModelRequest request) {
		return request.prompt().contains("JSON Schema");
	}

	private static ModelReply answer(ModelRequest request) {
		String user = request.prompt();
		if (isPlan(request)) {
			String goal = user.lines().findFirst().orElse("").strip();
			return ModelReply.text("{\"steps\": [{\"prompt\": \"Watch " + goal.toLowerCase(java.util.Locale.ROOT)
					+ " (plan " + request.number() + ")\"}]}");
		}
		if (user.contains("## Your task\n\nCombine the results")) {
			return ModelReply.text("final answer " + request.number());
		}
		return ModelReply.text("step answer " + request.number());
	}

}
