package dev.spool.goal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aGoal;

/** With no API key, the offline model plans a goal too, so a goal runs end to end on a fresh machine. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@AutoConfigureMockMvc
@DirtiesContext
class GoalOfflineTests {

	/** Made before the context starts, and not removed under it while it still writes (as {@code @TempDir} would). */
	static final Path workspace = workspaceFolder();

	static Path workspaceFolder() {
		try {
			return Files.createTempDirectory("spool-goals-offline-");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
	}

	@Autowired
	TaskStore store;

	@Autowired
	GoalViews goals;

	@Autowired
	MockMvc mvc;

	@Test
	void goalSubmittedThroughTheApiIsFollowedThereAndOnItsPage() throws Exception {
		String location = this.mvc
			.perform(post("/api/goals").contentType(MediaType.APPLICATION_JSON)
				.content("{\"goal\": \"Find owls. Count them.\", \"title\": \"Owl census\"}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", org.hamcrest.Matchers.startsWith("/api/goals/task_")))
			.andExpect(jsonPath("$.title").value("Owl census"))
			.andReturn()
			.getResponse()
			.getHeader("Location");
		String id = location.substring("/api/goals/".length());

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> this.mvc.perform(get(location))
			.andExpect(jsonPath("$.status").value("done"))
			.andExpect(jsonPath("$.steps.length()").value(2))
			.andExpect(jsonPath("$.steps[0].status").value("done"))
			.andExpect(jsonPath("$.finalTask.status").value("done"))
			.andExpect(jsonPath("$.result").isString()));
		String first = this.goals.find(dev.spool.workspace.TaskId.parse(id).orElseThrow())
			.orElseThrow()
			.steps()
			.get(0)
			.taskId();
		this.mvc.perform(get("/goals/" + id))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("Owl census"), containsString("/tasks/" + first),
					containsString("Find owls."), containsString("Result"))));
		this.mvc.perform(get("/tasks/" + id)).andExpect(content().string(containsString("/goals/" + id)));
		this.mvc.perform(get("/tasks/" + first)).andExpect(content().string(containsString("/goals/" + id)));
		this.mvc.perform(post("/api/goals").contentType(MediaType.APPLICATION_JSON).content("{\"goal\": \" \"}"))
			.andExpect(status().isBadRequest());
		this.mvc.perform(get("/api/goals/" + first)).andExpect(status().isNotFound());
	}

	@Test
	void offlineModelRunsAGoalEndToEnd() {
		Task goal = this.store.create(aGoal("Name three owls. Describe their calls. Rank them by size.")
			.titled("Owls").build());

		Task done = await().atMost(Duration.ofSeconds(20))
			.until(() -> this.store.index().find(goal.id()).orElseThrow(), (task) -> task.state().isFinished()
					&& (task.state() != TaskState.DONE || task.hasOutput()));

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
		assertThat(done.history()).filteredOn((entry) -> entry.outcome() == dev.spool.workspace.Attempt.Outcome.PLANNED)
			.as("the plan's call, with what the offline model counted")
			.singleElement()
			.satisfies((planned) -> {
				assertThat(planned.agent()).isEqualTo("orchestrator");
				assertThat(planned.offline()).isTrue();
				assertThat(planned.tokens().total()).isPositive();
			});
		GoalView view = this.goals.find(goal.id()).orElseThrow();
		assertThat(view.steps()).extracting(GoalView.Step::prompt)
			.containsExactly("Name three owls.", "Describe their calls.", "Rank them by size.");
		assertThat(view.steps()).extracting(GoalView.Step::status).containsOnly("done");
		assertThat(view.finalTask().status()).isEqualTo("done");
		assertThat(view.finalTask().dependsOn()).hasSize(3);
		assertThat(view.result()).isEqualTo(this.store.readOutput(dev.spool.workspace.TaskId
			.parse(view.finalTask().taskId()).orElseThrow()).orElseThrow());
	}

}
