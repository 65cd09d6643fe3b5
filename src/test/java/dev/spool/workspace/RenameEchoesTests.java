package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;

import com.sun.jna.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.watch.WorkspaceWatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The watcher lets the file events of this process's own renames of task files pass, since the index took each move
 * in as it was made; what another program does to the same files meanwhile is still read.
 */
class RenameEchoesTests {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	/** No rescan: only events can tell the index what another program did. */
	private static final Duration NEVER = Duration.ofHours(1);

	@TempDir
	Path root;

	private WorkspaceWatcher watcher;

	@AfterEach
	void stopWatching() {
		if (this.watcher != null) {
			this.watcher.stop();
		}
	}

	@Test
	void theEventsOfThisProcesssOwnRenamesAreExpectedAndEachIsTakenOnceItComes() throws IOException {
		Workspace workspace = watched();
		TaskStore store = workspace.store();
		RenameEchoes echoes = workspace.index().echoes();

		for (int i = 0; i < 20; i++) {
			Task task = store.create(NewTask.of("question " + i));
			Claim claim = store.claim(task, "agent_a").orElseThrow();
			assertThat(store.complete(claim, new Answer("answer " + i, "m", false, null))).isTrue();
		}

		await().atMost(PATIENCE).until(() -> echoes.waiting() == 0);
		assertThat(workspace.index().find(TaskId.of(20)).orElseThrow().state()).isEqualTo(TaskState.DONE);
	}

	@Test
	void whatAnotherProgramDoesToATaskRightAfterThisProcessRenamedItIsSeen() throws IOException {
		Workspace workspace = watched();
		TaskStore store = workspace.store();
		Task given = store.create(NewTask.of("given back"));
		Task failed = store.create(NewTask.of("failed"));

		store.claim(given, "agent_a").orElseThrow();
		Files.move(tasks("task_001_inprogress_agent_a.md"), tasks("task_001_pending.md"), StandardCopyOption.ATOMIC_MOVE);
		store.claim(failed, "agent_a").orElseThrow();
		Files.move(tasks("task_002_inprogress_agent_a.md"), tasks("task_002_failed.md"), StandardCopyOption.ATOMIC_MOVE);

		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(workspace.index().find(TaskId.of(1)).orElseThrow().state())
				.isEqualTo(TaskState.PENDING));
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(workspace.index().find(TaskId.of(2)).orElseThrow().state())
				.isEqualTo(TaskState.FAILED));
		assertThat(workspace.index().echoes().waiting()).isZero();
	}

	@Test
	void nothingIsExpectedWhileNobodyListensNorAPendingFilesArrivalWhichTellsThatItIsWhole() {
		RenameEchoes echoes = new RenameEchoes();
		TaskFile pending = TaskFile.parse("task_001_pending.md").orElseThrow();
		TaskFile claimed = TaskFile.parse("task_001_inprogress_agent_a.md").orElseThrow();

		echoes.expect(pending, claimed);
		assertThat(echoes.waiting()).isZero();

		echoes.listen(true);
		echoes.expect(pending, claimed);
		echoes.expect(claimed, pending);
		assertThat(echoes.isEcho("task_001_pending.md", true)).isFalse();
		assertThat(echoes.isEcho("task_001_pending.md", false)).isTrue();
		assertThat(echoes.isEcho("task_001_pending.md", false)).isFalse();
		assertThat(echoes.isEcho("task_001_inprogress_agent_a.md", true)).isTrue();
		assertThat(echoes.isEcho("task_001_inprogress_agent_a.md", false)).isTrue();
		assertThat(echoes.waiting()).isZero();

		echoes.expect(pending, claimed);
		echoes.unexpect(pending, claimed);
		assertThat(echoes.waiting()).isZero();
		echoes.expect(pending, claimed);
		echoes.forgetAll();
		assertThat(echoes.isEcho("task_001_inprogress_agent_a.md", true)).isFalse();
	}

	private Workspace watched() throws IOException {
		assumeTrue(Platform.isLinux(), "inotify is Linux's");
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), Clock.systemUTC(),
				(change) -> {
				});
		this.watcher = new WorkspaceWatcher(workspace, NEVER, true, (event) -> {
		});
		this.watcher.start();
		return workspace;
	}

	private Path tasks(String name) {
		return this.root.resolve("tasks").resolve(name);
	}

}
