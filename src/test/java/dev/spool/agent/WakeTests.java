package dev.spool.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Agents are woken by the work itself, not by the periodic look for work, which is made an hour long here: by a task
 * created through Spool, by a finished dependency, and by the end of a hand-written file's settling time, with file
 * events off so that only the settling time can vouch for the file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spool.wake-interval=1h", "spool.watch=false", "spool.rescan-interval=100ms" })
@DirtiesContext
class WakeTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	/** Made before the context starts, and not removed under it while it still writes (as {@code @TempDir} would). */
	static final Path workspace = workspaceFolder();

	static Path workspaceFolder() {
		try {
			return Files.createTempDirectory("spool-wake-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
	}

	@Autowired
	TaskStore store;

	@Test
	void aTaskCreatedThroughSpoolAndOneThatDependsOnItAreDoneWithoutWaitingForALook() {
		TaskId first = this.store.create(NewTask.of("Name three rivers")).id();
		TaskId second = this.store.create(aTask("Name three more").after(first).build()).id();

		awaitDone(first);
		awaitDone(second);
	}

	@Test
	void aFileWrittenInPlaceIsDoneOnceItsSettlingTimeEndsWithoutWaitingForALook() throws IOException {
		Files.writeString(workspace.resolve("tasks").resolve("task_900_pending.md"), "Name three mountains\n");

		awaitDone(TaskId.of(900));
	}

	private void awaitDone(TaskId id) {
		await().atMost(PATIENCE)
			.until(() -> this.store.index().find(id).map((task) -> task.state() == TaskState.DONE).orElse(false));
	}

}
