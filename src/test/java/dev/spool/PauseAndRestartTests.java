package dev.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;
import static dev.spool.workspace.TaskBuilder.aGoal;

/**
 * A context stopped and started again (as Spring's test context cache pauses the contexts not in use, and as
 * {@code ConfigurableApplicationContext.restart()} does) runs its agents, orchestrator and watcher again. Each of
 * them once kept executors that a stop shut for good, so a restart failed to start the orchestrator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@DirtiesContext
class PauseAndRestartTests {

	static final Path workspace = folder();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
	}

	@Autowired
	ConfigurableApplicationContext context;

	@Autowired
	TaskStore store;

	@Test
	void workWaitsWhilePausedAndIsDoneAfterEachRestart() throws IOException {
		for (int round = 1; round <= 2; round++) {
			this.context.pause();
			Task task = this.store.create(aTask("Say round " + round)
				.titled("Round " + round)
				.forAgent("agent_a").build());
			Task goal = this.store.create(aGoal("Name an owl. Describe its call.").titled("Goal " + round).build());
			Path byHand = workspace.resolve("tasks/task_" + (900 + round) + "_pending.md");
			Files.writeString(byHand, "---\ntitle: By hand " + round + "\n---\nWritten while paused, round " + round
					+ "\n");
			// Stopped means stopped: nothing is claimed while the context is paused.
			await().during(Duration.ofMillis(600))
				.atMost(Duration.ofSeconds(2))
				.until(() -> state(task.id()) == TaskState.PENDING && state(goal.id()) == TaskState.PENDING);

			this.context.restart();

			for (TaskId id : List.of(task.id(), goal.id(), TaskId.parse("task_" + (900 + round)).orElseThrow())) {
				await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == TaskState.DONE);
			}
		}
		assertThat(this.context.isRunning()).isTrue();
	}

	private TaskState state(TaskId id) {
		return this.store.index().find(id).map(Task::state).orElse(null);
	}

	private static Path folder() {
		try {
			return Files.createTempDirectory("spool-restart-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
