package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.spool.agent.CommandAgents.PATIENCE;
import static dev.spool.agent.CommandAgents.inState;
import static dev.spool.agent.CommandAgents.isRunning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * A command that outlives its attempt (it runs past {@code spool.task-timeout}, or Spool stops) is ended together
 * with every process it started, and nothing is left running.
 */
class CommandAgentStopTests {

	/** Starts a child that would sleep for five minutes, notes both pids, and waits for the child. */
	static final String HANG = """
			sleep 300 &
			echo $! > "$1/grandchild-$SPOOL_TASK_ID"
			echo $$ > "$1/child-$SPOOL_TASK_ID"
			echo "started"
			wait
			""";

	@Test
	void aCommandPastTheTaskTimeoutIsEndedWithWhatItStartedAndTheAttemptFails() throws IOException {
		CommandAgents agents = CommandAgents.in(Files.createTempDirectory("spool-command-timeout"))
			.script("hang", HANG);
		try (ConfigurableApplicationContext spool = agents.start("--spool.task-timeout=2s",
				"--spool.max-attempts=1")) {
			TaskStore store = spool.getBean(TaskStore.class);
			TaskId id = store.create(aTask("Wait forever.").forAgent("hang").build()).id();
			long child = agents.pid("child-" + id);
			long grandchild = agents.pid("grandchild-" + id);

			Task failed = inState(store, id, (task) -> task.state() == TaskState.FAILED && task.error() != null);

			assertThat(failed.error()).startsWith("no answer within 2 s (spool.task-timeout)");
			await().atMost(PATIENCE).until(() -> !isRunning(child) && !isRunning(grandchild));
		}
	}

	@Test
	void stoppingSpoolEndsARunningCommandWithWhatItStartedAndHandsTheClaimBack() throws IOException {
		CommandAgents agents = CommandAgents.in(Files.createTempDirectory("spool-command-stop")).script("hang", HANG);
		ConfigurableApplicationContext spool = agents.start("--spool.task-timeout=5m");
		TaskId id;
		long child;
		long grandchild;
		try {
			TaskStore store = spool.getBean(TaskStore.class);
			id = store.create(aTask("Wait forever.").forAgent("hang").build()).id();
			child = agents.pid("child-" + id);
			grandchild = agents.pid("grandchild-" + id);
			assertThat(isRunning(grandchild)).isTrue();
		}
		finally {
			spool.close();
		}

		assertThat(isRunning(child)).as("the command, once Spool has stopped").isFalse();
		assertThat(isRunning(grandchild)).as("what the command started, once Spool has stopped").isFalse();
		assertThat(taskFiles(agents.workspace)).containsExactly(id + "_pending.md");
		assertThat(agents.workspace.resolve(".spool/attempts")).as("the attempt cut short is not counted")
			.isEmptyDirectory();
	}

	private static List<String> taskFiles(Path workspace) throws IOException {
		try (Stream<Path> files = Files.list(workspace.resolve("tasks"))) {
			return files.map((path) -> path.getFileName().toString()).toList();
		}
	}

}
