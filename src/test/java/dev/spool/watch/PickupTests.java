package dev.spool.watch;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Platform;
import dev.spool.MutableClock;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * When a task file that another program writes may be taken: as soon as it is whole, which on Linux the kernel says
 * (renamed in, closed after writing, linked), and elsewhere its settling time tells, whose end wakes the agents.
 * The clock is frozen where the settling time must play no part, so only an event can make a file claimable.
 */
class PickupTests {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private static final Duration NEVER = Duration.ofHours(1);

	@TempDir
	Path root;

	private final MutableClock frozen = MutableClock.startingNow();

	/** Ids of pending tasks that were claimable by agent_a at the moment a change to them was published. */
	private final Set<TaskId> claimableWhenTold = ConcurrentHashMap.newKeySet();

	private Workspace workspace;

	private WorkspaceWatcher watcher;

	@AfterEach
	void stopWatching() {
		if (this.watcher != null) {
			this.watcher.stop();
		}
	}

	@Test
	void aFileRenamedIntoTasksIsOfferedWithoutWaitingForItToSettle() throws IOException {
		watchWithInotify();
		Path draft = Files.writeString(this.root.resolve("draft.md"), "Summarise the minutes\n");

		Files.move(draft, tasks("task_001_pending.md"), StandardCopyOption.ATOMIC_MOVE);

		await().atMost(PATIENCE).until(() -> claimable().contains(TaskId.of(1)));
		assertThat(this.workspace.index().find(TaskId.of(1)).orElseThrow().summary()).isEqualTo("Summarise the minutes");
	}

	@Test
	void aFileHeldOpenHalfWrittenIsNotOfferedUntilItsWriterClosesIt() throws IOException {
		watchWithInotify();
		String half = "---\ntitle: Minutes\n---\nSummarise the";
		try (FileOutputStream writer = new FileOutputStream(tasks("task_002_pending.md").toFile())) {
			writer.write(half.getBytes(StandardCharsets.UTF_8));
			await().atMost(PATIENCE)
				.until(() -> this.workspace.index().find(TaskId.of(2)).map(Task::fileSize).orElse(-1L) == half.length());
			// Long past any settling time, read again: still being written.
			this.frozen.advance(Duration.ofMinutes(10));
			this.workspace.index().taskFileChanged("task_002_pending.md", true);
			assertThat(claimable()).doesNotContain(TaskId.of(2));

			writer.write(" minutes of the meeting\n".getBytes(StandardCharsets.UTF_8));
		}

		await().atMost(PATIENCE).until(() -> claimable().contains(TaskId.of(2)));
		assertThat(this.workspace.index().find(TaskId.of(2)).orElseThrow().summary())
			.isEqualTo("Summarise the minutes of the meeting");
		await().atMost(PATIENCE).until(() -> this.claimableWhenTold.contains(TaskId.of(2)));
	}

	@Test
	void aFileWrittenInPlaceAndClosedIsOfferedAtOnce() throws IOException {
		watchWithInotify();

		Files.writeString(tasks("task_003_pending.md"), "Translate the notice\n");

		await().atMost(PATIENCE).until(() -> claimable().contains(TaskId.of(3)));
		await().atMost(PATIENCE).until(() -> this.claimableWhenTold.contains(TaskId.of(3)));
	}

	@Test
	void aHardLinkedFileIsOfferedAtOnce() throws IOException {
		watchWithInotify();
		Path made = Files.writeString(this.root.resolve("made.md"), "Check the figures\n");

		Files.createLink(tasks("task_004_pending.md"), made);

		await().atMost(PATIENCE).until(() -> claimable().contains(TaskId.of(4)));
	}

	@Test
	void aTaskCreatedHereIsOfferedAtOnceWhateverTheWatcherReadFirst() throws IOException {
		// Flushing makes the instant between the file's link and the creator's own read long enough for the watcher.
		open(this.frozen, true);
		this.watcher = new WorkspaceWatcher(this.workspace, NEVER, true, (event) -> {
		});
		this.watcher.start();

		for (int i = 0; i < 40; i++) {
			TaskId id = this.workspace.store().create(NewTask.of("Task " + i)).id();

			assertThat(claimable()).as("claimable right after creating %s", id).contains(id);
		}
	}

	@Test
	void withJavasWatchServiceAFileIsOfferedWhenItsSettlingTimeEndsAndAgentsAreToldThen() throws IOException {
		open(Clock.systemUTC(), false);
		this.watcher = new WorkspaceWatcher(this.workspace, NEVER, true, false, (event) -> {
		});
		this.watcher.start();

		Files.writeString(tasks("task_005_pending.md"), "Proofread the letter\n");

		await().atMost(PATIENCE).until(() -> this.claimableWhenTold.contains(TaskId.of(5)));
	}

	@Test
	void withoutFileEventsAFileFoundByTheRescanIsOfferedWhenItsSettlingTimeEndsAndAgentsAreToldThen()
			throws IOException {
		open(Clock.systemUTC(), false);
		this.watcher = new WorkspaceWatcher(this.workspace, Duration.ofMillis(100), false, (event) -> {
		});
		this.watcher.start();

		Files.writeString(tasks("task_006_pending.md"), "File the report\n");

		await().atMost(PATIENCE).until(() -> this.claimableWhenTold.contains(TaskId.of(6)));
	}

	private void watchWithInotify() throws IOException {
		assumeTrue(Platform.isLinux(), "inotify is Linux's");
		open(this.frozen, false);
		this.watcher = new WorkspaceWatcher(this.workspace, NEVER, true, (event) -> {
		});
		this.watcher.start();
	}

	private void open(Clock clock, boolean fsync) throws IOException {
		this.workspace = Workspace.open(this.root, new Workspace.Settings(fsync, 1 << 20, 3), clock, (change) -> {
			Task after = change.after();
			if (after != null && this.workspace != null && after.state() == TaskState.PENDING
					&& claimable().contains(after.id())) {
				this.claimableWhenTold.add(after.id());
			}
		});
	}

	private List<TaskId> claimable() {
		return this.workspace.index().claimable("agent_a", 100).stream().map(Task::id).toList();
	}

	private Path tasks(String name) {
		return this.root.resolve("tasks").resolve(name);
	}

}
