package dev.spool.workspace;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pending task read again (by the watcher, after this process created it) never drops out of what agents may take
 * for an instant: an agent that looks right then must find it. Once a flaky PickupTests case, 2 in 60 runs.
 */
class ClaimableWhileReadTests {

	@TempDir
	Path root;

	@Test
	void aPendingTaskStaysClaimableWhileAnotherThreadReadsItAgainAndAgain() throws Exception {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3),
				MutableClock.startingNow(), (change) -> {
				});
		{
			TaskId id = workspace.store().create(NewTask.of("Read me again")).id();
			AtomicBoolean done = new AtomicBoolean();
			AtomicInteger rereads = new AtomicInteger();
			Thread watcher = new Thread(() -> {
				while (!done.get()) {
					workspace.index().refresh(id);
					rereads.incrementAndGet();
				}
			});
			watcher.start();
			int misses = 0;
			int looks = 0;
			try {
				for (; looks < 200_000 && (looks < 1000 || rereads.get() < 2000); looks++) {
					if (workspace.index().claimable("agent_a", 10).stream().noneMatch((task) -> task.id().equals(id))) {
						misses++;
					}
				}
			}
			finally {
				done.set(true);
				watcher.join();
			}

			assertThat(rereads.get()).as("reads of the task meanwhile").isGreaterThan(100);
			assertThat(misses).as("looks, of %d, that did not find the task", looks).isZero();
		}
	}

}
