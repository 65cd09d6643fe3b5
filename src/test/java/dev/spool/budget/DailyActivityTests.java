package dev.spool.budget;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;
import dev.spool.archive.Archive;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Claim;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history per day, from the attempt records: answers, failed attempts and latency percentiles, which a restart
 * and archiving leave as they were.
 */
class DailyActivityTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.frozenAt(Instant.parse("2026-12-01T10:00:00Z"));

	@Test
	void eachDayCountsItsAnswersFailuresAndLatenciesAcrossArchivingAndARestart() throws IOException {
		Workspace first = open(new AtomicReference<>());
		TaskStore store = first.store();
		// Yesterday: one answer in 4 s.
		this.clock.advance(Duration.ofDays(-1));
		finish(store, "Yesterday's", Duration.ofSeconds(4));
		this.clock.advance(Duration.ofDays(1));
		// Today: answers in 1 to 20 s, and two failed attempts; the slowest answer's task is then archived.
		Task slowest = null;
		for (int seconds = 1; seconds <= 20; seconds++) {
			slowest = finish(store, "Answer in " + seconds + " s", Duration.ofSeconds(seconds));
		}
		Task flaky = store.create(aTask("Flaky").build());
		store.fail(claim(store, flaky), "boom");
		store.fail(claim(store, store.index().find(flaky.id()).orElseThrow()), "boom again");
		assertThat(Archive.of(first).archive(slowest.id())).isTrue();
		first.close();

		AtomicReference<Budgets> listening = new AtomicReference<>();
		Workspace restarted = open(listening);
		Budgets budgets = budgets(restarted);
		List<ActivityDay> days = budgets.days(7);

		assertThat(days).hasSize(7);
		assertThat(days.get(0)).isEqualTo(new ActivityDay(LocalDate.parse("2026-12-01"), 20, 2, 10_000L, 19_000L, 0,
				null));
		assertThat(days.get(1)).isEqualTo(new ActivityDay(LocalDate.parse("2026-11-30"), 1, 0, 4_000L, 4_000L, 0,
				null));
		assertThat(days.get(2).finished()).isZero();
		assertThat(days.get(2).p50Millis()).isNull();
		assertThat(budgets.latencyPercentiles(7)).isEqualTo(new ActivityDay.Percentiles(10_000L, 19_000L));
		restarted.close();
	}

	private Task finish(TaskStore store, String prompt, Duration took) {
		Task task = store.create(aTask(prompt).build());
		Claim claim = claim(store, task);
		this.clock.advance(took);
		store.complete(claim, new Answer("Done.", "m", false, null));
		this.clock.advance(took.negated());
		return task;
	}

	private static Claim claim(TaskStore store, Task task) {
		return store.claim(task, "agent_a").orElseThrow();
	}

	private Workspace open(AtomicReference<Budgets> listening) throws IOException {
		return Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock, (changed) -> {
			if (listening.get() != null) {
				listening.get().on(changed);
			}
		});
	}

	private Budgets budgets(Workspace workspace) {
		return new Budgets(workspace.index(), new AttemptRecords(workspace.layout(), workspace.index()), this.clock,
				new BudgetProperties(null), new Prices(Map.of()));
	}

}
