package dev.spool.recovery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.spool.MutableClock;
import dev.spool.workspace.Claim;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class StaleClaimSweeperTests {

	private static final Duration STALE_AFTER = Duration.ofSeconds(60);

	private static final Duration BEAT = Duration.ofSeconds(5);

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private TaskStore store;

	private StaleClaimSweeper sweeper;

	@BeforeEach
	void open() throws IOException {
		this.store = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock, (change) -> {
		}).store();
		this.sweeper = new StaleClaimSweeper(this.store, this.clock, STALE_AFTER, BEAT);
	}

	@Test
	void aBusyAgentThatKeepsBeatingIsNeverTakenBack() {
		Claim claim = claimATask();

		for (int beat = 0; beat < 100; beat++) {
			this.sweeper.sweep();
			this.clock.advance(BEAT);
			assertThat(this.store.heartbeat(claim)).isTrue();
		}
		this.sweeper.sweep();

		assertThat(state(claim)).isEqualTo(TaskState.IN_PROGRESS);
		assertThat(this.sweeper.quietFor(claim.file())).isEmpty();
	}

	@Test
	void aDeadAgentIsTakenBackWithinStaleAfterAndTheAttemptCounts() {
		Claim claim = claimATask();
		this.sweeper.sweep();

		this.clock.advance(STALE_AFTER.minusSeconds(1));
		this.sweeper.sweep();
		assertThat(state(claim)).isEqualTo(TaskState.IN_PROGRESS);
		assertThat(this.sweeper.quietFor(claim.file())).isPresent();

		// A sweep comes a little after the moment, never on it: the silence is said in whole seconds all the same.
		this.clock.advance(Duration.ofMillis(1011));
		this.sweeper.sweep();

		Task task = this.store.index().find(claim.id()).orElseThrow();
		assertThat(task.state()).isEqualTo(TaskState.PENDING);
		assertThat(task.attempts()).isEqualTo(1);
		assertThat(task.history().get(0).error()).contains("agent_a sent no heartbeat for 60 s (");
	}

	@Test
	void quietTimeIsCountedFromWhenThisProcessFirstSawTheClaimNotFromTheFilesClock() {
		Claim claim = claimATask();
		// The file's time says an hour ago (another host's clock); only a change of it counts as a beat.
		this.clock.advance(Duration.ofHours(1));
		this.sweeper.sweep();
		this.clock.advance(STALE_AFTER.minusSeconds(1));
		this.sweeper.sweep();

		assertThat(state(claim)).isEqualTo(TaskState.IN_PROGRESS);
	}

	@Test
	void aTaskTakenBackTooOftenFails() {
		for (int attempt = 1; attempt <= 3; attempt++) {
			Claim claim = claimATask();
			this.sweeper.sweep();
			this.clock.advance(STALE_AFTER);
			this.sweeper.sweep();
		}

		Task task = this.store.index().all().get(0);
		assertThat(task.state()).isEqualTo(TaskState.FAILED);
		assertThat(task.attempts()).isEqualTo(3);
		assertThat(task.error()).contains("no heartbeat", "attempt 3 of 3");
	}

	@Test
	void aClaimGoingQuietAndBeatingAgainIsToldOnceEachSoThatPagesCanShowItLive() {
		List<ClaimQuietChanged> told = new ArrayList<>();
		StaleClaimSweeper telling = new StaleClaimSweeper(this.store, this.clock, STALE_AFTER, BEAT, told::add);
		Claim claim = claimATask();
		telling.sweep();
		this.clock.advance(BEAT);
		telling.sweep();
		assertThat(told).as("one beat missed is not quiet yet").isEmpty();

		this.clock.advance(BEAT);
		telling.sweep();
		this.clock.advance(BEAT);
		telling.sweep();
		assertThat(told).containsExactly(new ClaimQuietChanged(claim.id(), true));

		this.clock.advance(BEAT);
		assertThat(this.store.heartbeat(claim)).isTrue();
		telling.sweep();
		telling.sweep();
		assertThat(told).containsExactly(new ClaimQuietChanged(claim.id(), true),
				new ClaimQuietChanged(claim.id(), false));
	}

	private Claim claimATask() {
		Task task = this.store.index().all().isEmpty() ? this.store.create(NewTask.of("work"))
				: this.store.index().all().get(0);
		return this.store.claim(task, "agent_a").orElseThrow();
	}

	private TaskState state(Claim claim) {
		return this.store.index().find(claim.id()).orElseThrow().state();
	}

}
