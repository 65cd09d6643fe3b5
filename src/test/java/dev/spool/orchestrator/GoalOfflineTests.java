package dev.spool.orchestrator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With no API key, the offline model plans a goal too, so a goal runs end to end on a fresh machine. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@DirtiesContext
class GoalOfflineTests {

	@TempDir
	static Path workspace;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
	}

	@Autowired
	TaskStore store;

	@Autowired
	GoalViews goals;

	@Test
	void offlineModelRunsAGoalEndToEnd() {
		Task goal = this.store.create(new NewTask("Name three owls. Describe their calls. Rank them by size.", "Owls",
				null, null, TaskDocument.Kind.GOAL, 0, List.of(), null, null, null));

		Task done = await().atMost(Duration.ofSeconds(20))
			.until(() -> this.store.index().find(goal.id()).orElseThrow(), (task) -> task.state().isFinished());

		assertThat(done.state()).as("goal (error: %s)", done.error()).isEqualTo(TaskState.DONE);
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
