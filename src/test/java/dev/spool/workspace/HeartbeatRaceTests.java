package dev.spool.workspace;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A heartbeat of a claim races the claim's agent giving the task back and claiming it again at once (a goal whose
 * plan was refused is planned again by the orchestrator within milliseconds): the next claim is never taken for
 * lost, and the claim itself is never lost to its own heartbeat. Real threads; {@code -Dspool.race.rounds=N} for more
 * rounds.
 */
class HeartbeatRaceTests {

	private static final int ROUNDS = Integer.getInteger("spool.race.rounds", 100);

	@TempDir
	Path root;

	@Test
	void aHeartbeatOfAClaimGivenBackNeverTakesTheNextClaimOfTheSameTaskForLost() throws Exception {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 2 * ROUNDS + 10),
				Clock.systemUTC(), (changed) -> {
				});
		TaskStore store = workspace.store();
		TaskId id = store.create(NewTask.of("given back and claimed again")).id();
		List<String> lost = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			Claim previous = store.claim(store.index().find(id).orElseThrow(), "orchestrator").orElse(null);
			if (previous == null) {
				lost.add("round " + round + ": the task was not given back at the end of the round before");
				break;
			}
			AtomicBoolean beating = new AtomicBoolean(true);
			Thread heartbeats = new Thread(() -> {
				while (beating.get()) {
					store.heartbeat(previous);
				}
			});
			heartbeats.start();
			if (store.fail(previous, "refused, round " + round).isEmpty()) {
				lost.add("round " + round + ": the claim was lost to its own heartbeat");
			}
			Claim next = store.claim(store.index().find(id).orElseThrow(), "orchestrator").orElse(null);
			beating.set(false);
			heartbeats.join();
			if (next == null) {
				lost.add("round " + round + ": the task could not be claimed again");
				break;
			}
			if (!store.heartbeat(next)) {
				lost.add("round " + round + ": the next claim was taken for lost");
			}
			if (store.fail(next, "round " + round + " over").isEmpty()) {
				lost.add("round " + round + ": the next claim could not give the task back");
			}
		}
		assertThat(lost).isEmpty();
	}

}
