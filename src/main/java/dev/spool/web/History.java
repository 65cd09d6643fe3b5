package dev.spool.web;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.spool.budget.ActivityDay;
import dev.spool.budget.Budgets;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/**
 * What was done: each day of the last 7 or 30 (answers, failed attempts, p50 and p95 latency, tokens and cost, all
 * from the attempt records that {@link Budgets} adds up once each), and the finished tasks a page at a time.
 */
@Component
class History {

	static final List<Integer> WINDOWS = List.of(7, 30);

	static final List<TaskState> FINISHED = List.of(TaskState.DONE, TaskState.FAILED, TaskState.CANCELLED);

	private final Budgets budgets;

	private final TaskIndex index;

	private final Clock clock;

	History(Budgets budgets, TaskIndex index, Clock clock) {
		this.budgets = budgets;
		this.index = index;
		this.clock = clock;
	}

	/**
	 * The history over a window of days, and a page of the tasks finished in a state.
	 * @throws InvalidTaskException for a window other than 7 or 30 days, or a state that is not a finished one
	 */
	View view(Integer days, String state, int page, Integer size) {
		int window = (days != null) ? days : 7;
		if (!WINDOWS.contains(window)) {
			throw new InvalidTaskException("days must be 7 or 30, not " + days);
		}
		TaskState finished = (state == null || state.isBlank()) ? TaskState.DONE
				: TaskState.fromWord(state).filter(FINISHED::contains)
					.orElseThrow(() -> new InvalidTaskException(
							"state must be done, failed or cancelled, not '" + state + "'"));
		List<DayRow> rows = this.budgets.days(window).stream().map(DayRow::of).toList();
		ActivityDay.Percentiles latency = this.budgets.latencyPercentiles(window);
		Pager pager = Pager.of("/history", Map.of("days", String.valueOf(window), "state", finished.word()), page,
				size, this.index.queries().count(finished));
		Instant now = this.clock.instant();
		List<TaskLine> tasks = this.index.queries()
			.page(finished, pager.offset(), pager.size())
			.stream()
			.map((task) -> TaskLine.of(task, now))
			.toList();
		long done = rows.stream().mapToLong(DayRow::finished).sum();
		long failed = rows.stream().mapToLong(DayRow::failed).sum();
		BigDecimal cost = rows.stream()
			.map(DayRow::costUsd)
			.filter((one) -> one != null)
			.reduce(null, (sum, one) -> (sum == null) ? one : sum.add(one));
		Summary summary = new Summary(window, done, failed,
				String.format(Locale.ROOT, "%.1f", (double) done / window), latency(latency.p50Millis()),
				latency(latency.p95Millis()), tokens(rows.stream().mapToLong(DayRow::tokens).sum()),
				dollars(cost));
		return new View(summary, rows, finished.word(), tasks, pager);
	}

	private static String latency(Long millis) {
		return (millis != null) ? Ages.latency(millis) : "–";
	}

	private static String tokens(long count) {
		return String.format(Locale.ROOT, "%,d", count);
	}

	private static String dollars(BigDecimal cost) {
		return (cost != null) ? "$" + cost.toPlainString() : "–";
	}

	/**
	 * The window as a whole.
	 *
	 * @param days how many days it covers, today included
	 * @param finished answers published
	 * @param failed attempts that failed
	 * @param perDay answers a day, on average
	 * @param p50 the median latency from claim to answer
	 * @param p95 its 95th percentile
	 * @param tokens tokens used
	 * @param cost what they cost, or a dash without prices
	 */
	record Summary(int days, long finished, long failed, String perDay, String p50, String p95, String tokens,
			String cost) {
	}

	/** One day, as the page shows it. */
	record DayRow(LocalDate day, long finished, long failed, String p50, String p95, long tokens, String tokenText,
			BigDecimal costUsd, String cost) {

		static DayRow of(ActivityDay day) {
			return new DayRow(day.day(), day.finished(), day.failed(), latency(day.p50Millis()),
					latency(day.p95Millis()), day.tokens(), History.tokens(day.tokens()), day.costUsd(),
					dollars(day.costUsd()));
		}

	}

	/**
	 * One finished task.
	 *
	 * @param id the task
	 * @param title its title, or the start of its prompt
	 * @param state done, failed or cancelled
	 * @param owner the agent that last held it, or null
	 * @param finishedAt when it reached its state, or null when unknown
	 * @param took from its creation to then, or a dash
	 */
	record TaskLine(String id, String title, String state, String owner, Instant finishedAt, String took) {

		static TaskLine of(Task task, Instant now) {
			Instant end = task.completedAt();
			String took = (end != null && task.createdAt() != null)
					? Ages.latency(Math.max(0, Duration.between(task.createdAt(), end).toMillis())) : "–";
			return new TaskLine(task.id().text(), (task.title() != null) ? task.title() : task.summary(),
					task.state().word(), task.owner(), end, took);
		}

	}

	/** The page. */
	record View(Summary summary, List<DayRow> days, String state, List<TaskLine> tasks, Pager pager) {
	}

}
