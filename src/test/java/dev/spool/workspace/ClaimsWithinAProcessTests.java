package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slots of one process woken together look at the same candidates in the same order. A slot that looks at a task
 * another slot of this process has claimed, or is claiming, gives it up without a rename: the rename would only find
 * the file gone, and the index would look at both names to learn what it already knows.
 */
class ClaimsWithinAProcessTests {

	@TempDir
	Path root;

	@Test
	void aTaskAnotherSlotClaimedIsGivenUpWithoutARename() throws IOException {
		RecordingDisk disk = new RecordingDisk(this.root);
		TaskStore store = store(disk);
		Task seen = store.create(NewTask.of("q"));
		store.claim(seen, "agent_a").orElseThrow();
		disk.forget();

		assertThat(store.claim(seen, "agent_b")).isEmpty();
		assertThat(disk.calls()).isEmpty();
	}

	@Test
	void aTaskAnotherSlotIsClaimingIsGivenUpWithoutARename() throws Exception {
		CountDownLatch renaming = new CountDownLatch(1);
		CountDownLatch goOn = new CountDownLatch(1);
		RecordingDisk disk = new RecordingDisk(this.root) {
			@Override
			public boolean renameWithoutReplacing(Path source, Path target) throws IOException {
				if (target.getFileName().toString().endsWith("_agent_a.md")) {
					renaming.countDown();
					await(goOn);
				}
				return super.renameWithoutReplacing(source, target);
			}
		};
		TaskStore store = store(disk);
		Task seen = store.create(NewTask.of("q"));
		CompletableFuture<Optional<Claim>> first = CompletableFuture.supplyAsync(() -> store.claim(seen, "agent_a"));
		await(renaming);
		disk.forget();

		Optional<Claim> second = store.claim(seen, "agent_b");
		List<String> callsMeanwhile = disk.calls();
		goOn.countDown();

		assertThat(second).isEmpty();
		assertThat(callsMeanwhile).isEmpty();
		assertThat(first.get(10, TimeUnit.SECONDS)).hasValueSatisfying(
				(claim) -> assertThat(claim.file().fileName()).isEqualTo("task_001_inprogress_agent_a.md"));
	}

	private TaskStore store(RecordingDisk disk) throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		AtomicFiles files = new AtomicFiles(false, disk);
		AttemptLog log = new AttemptLog(layout, files);
		TaskIndex index = new TaskIndex(layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		return new TaskStore(layout, files, log, index, Clock.systemUTC(), 1 << 20, 3);
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
