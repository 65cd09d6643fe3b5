package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** How attempts are counted against a task's budget when people retry and requeue while agents work. */
class AttemptBudgetTests {

	private static final int MAX_ATTEMPTS = 2;

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void anAgentThatClaimsARetriedTaskTheMomentItIsPendingGetsTheWholeFreshBudget() throws IOException {
		AtomicReference<Runnable> onPending = new AtomicReference<>();
		Workspace person = Workspace.open(this.root, settings(), this.clock, (change) -> {
			Runnable action = onPending.get();
			if (action != null && change.after() != null && change.after().state() == TaskState.PENDING) {
				onPending.set(null);
				action.run();
			}
		});
		Workspace agents = Workspace.open(this.root, settings(), this.clock, (change) -> {
		});
		Task task = person.store().create(NewTask.of("flaky"));
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			agents.index().rescan();
			Claim claim = agents.store().claim(agents.index().find(task.id()).orElseThrow(), "agent_a").orElseThrow();
			agents.store().fail(claim, "failure " + attempt);
		}
		person.index().rescan();
		assertThat(person.index().find(task.id()).orElseThrow().state()).isEqualTo(TaskState.FAILED);

		// Another process's agent claims and fails the task in the instant its pending file appears.
		List<TaskState> afterFirstFailure = new ArrayList<>();
		onPending.set(() -> {
			agents.index().rescan();
			Claim claim = agents.store().claim(agents.index().find(task.id()).orElseThrow(), "agent_b").orElseThrow();
			afterFirstFailure.add(agents.store().fail(claim, "failure after the retry").orElseThrow());
		});
		person.store().retry(task.id());

		assertThat(afterFirstFailure).as("one failure after a retry leaves the rest of the fresh budget")
			.containsExactly(TaskState.PENDING);
		agents.index().rescan();
		Task retried = agents.index().find(task.id()).orElseThrow();
		assertThat(retried.attemptsSinceRetry()).isEqualTo(1);
		assertThat(retried.history()).extracting(Attempt::outcome)
			.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.ERROR, Attempt.Outcome.RETRIED,
					Attempt.Outcome.ERROR);

		Claim last = agents.store().claim(retried, "agent_a").orElseThrow();
		assertThat(agents.store().fail(last, "final failure")).hasValue(TaskState.FAILED);
		agents.index().rescan();
		assertThat(agents.index().find(task.id()).orElseThrow().error())
			.isEqualTo("final failure (attempt 2 of 2)");
	}

	@Test
	void retriesAndCancelsAreRecordedOnceEach() throws IOException {
		Workspace workspace = Workspace.open(this.root, settings(), this.clock, (change) -> {
		});
		Task task = workspace.store().create(NewTask.of("cancel me"));
		workspace.store().cancel(task.id());
		workspace.store().retry(task.id());
		workspace.store().cancel(task.id());
		workspace.store().retry(task.id());

		assertThat(workspace.index().find(task.id()).orElseThrow().history()).extracting(Attempt::outcome)
			.containsExactly(Attempt.Outcome.CANCELLED, Attempt.Outcome.RETRIED, Attempt.Outcome.CANCELLED,
					Attempt.Outcome.RETRIED);
	}

	@Test
	void aPersonsRequeueSpendsNoAttemptAndTheAgentThatHeldTheClaimPublishesNothing() throws IOException {
		Workspace workspace = Workspace.open(this.root, settings(), this.clock, (change) -> {
		});
		Task task = workspace.store().create(NewTask.of("slow"));
		Claim claim = workspace.store().claim(task, "agent_a").orElseThrow();

		assertThat(workspace.store().requeue(claim.file())).isTrue();
		assertThat(workspace.store().requeue(claim.file())).as("the file has moved already").isFalse();

		Task requeued = workspace.index().find(task.id()).orElseThrow();
		assertThat(requeued.state()).isEqualTo(TaskState.PENDING);
		assertThat(requeued.attempts()).isZero();
		assertThat(requeued.attemptsSinceRetry()).isZero();
		assertThat(requeued.history()).singleElement().satisfies((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.REQUEUED);
			assertThat(record.outcome().isAttempt()).isFalse();
			assertThat(record.agent()).isEqualTo("agent_a");
		});
		assertThat(workspace.store().complete(claim, new Answer("late", "m", false, null))).isFalse();
		assertThat(workspace.layout().output(task.id())).doesNotExist();
	}

	private static Workspace.Settings settings() {
		return new Workspace.Settings(false, 1024, MAX_ATTEMPTS);
	}

}
