package dev.spool.budget;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;

/**
 * Tokens spent per UTC day (of each record's {@code finished_at}), agent and model, added up from attempt records.
 * Each record is added once, however often it is seen and whether it came through the index or was read from its file
 * (an archived task's), so the index's first reading, every later change and every reading of files can all be passed
 * in.
 */
final class TokenLedger {

	private final Clock clock;

	private final Prices prices;

	/** Tokens by day, then by agent and model. */
	private final Map<LocalDate, Map<Spender, TokenTotals>> days = new HashMap<>();

	/** The highest record number of each task already added in through the index. */
	private final Map<TaskId, Integer> counted = new HashMap<>();

	/** Records added in from their files, not through the index. */
	private final Set<Key> countedFromFiles = new HashSet<>();

	/** Finishes and failures per day, fed with the same records, each once. */
	private final DailyActivity activity = new DailyActivity();

	TokenLedger(Clock clock, Prices prices) {
		this.clock = clock;
		this.prices = prices;
	}

	/** The finishes and failures per day of the records added. */
	DailyActivity activity() {
		return this.activity;
	}

	/** Adds the task's records not added yet. */
	synchronized void count(Task task) {
		int done = this.counted.getOrDefault(task.id(), 0);
		int highest = done;
		for (Attempt entry : task.history()) {
			if (entry.number() <= done) {
				continue;
			}
			highest = Math.max(highest, entry.number());
			if (!this.countedFromFiles.contains(new Key(task.id(), entry.number()))) {
				add(entry);
			}
		}
		this.counted.put(task.id(), highest);
	}

	/** Adds records read from their files, but none already added. */
	synchronized void count(List<AttemptRecords.Entry> entries) {
		for (AttemptRecords.Entry entry : entries) {
			Key key = new Key(entry.task(), entry.attempt().number());
			if (entry.attempt().number() > this.counted.getOrDefault(entry.task(), 0)
					&& this.countedFromFiles.add(key)) {
				add(entry.attempt());
			}
		}
	}

	/** The highest number of a task's records added through the index, or 0. */
	synchronized int counted(TaskId task) {
		return this.counted.getOrDefault(task, 0);
	}

	private void add(Attempt entry) {
		this.activity.add(entry);
		if (entry.tokens() != null) {
			Instant when = (entry.finishedAt() != null) ? entry.finishedAt() : this.clock.instant();
			Spender spender = new Spender(String.valueOf(entry.agent()), entry.model());
			this.days.computeIfAbsent(day(when), (day) -> new HashMap<>())
				.merge(spender, TokenTotals.NONE.plus(entry.tokens()), TokenTotals::plus);
		}
	}

	/** Tokens an agent's attempts used today (UTC). */
	synchronized TokenTotals today(String agent) {
		TokenTotals totals = TokenTotals.NONE;
		for (Map.Entry<Spender, TokenTotals> entry : today().entrySet()) {
			if (agent.equals(entry.getKey().agent())) {
				totals = totals.plus(entry.getValue());
			}
		}
		return totals;
	}

	/** Tokens all attempts used today (UTC). */
	synchronized TokenTotals todayAll() {
		return today().values().stream().reduce(TokenTotals.NONE, TokenTotals::plus);
	}

	/** What an agent's tokens today cost, over the models with a price; null when none has one. */
	synchronized BigDecimal costToday(String agent) {
		BigDecimal cost = null;
		for (Map.Entry<Spender, TokenTotals> entry : today().entrySet()) {
			BigDecimal one = agent.equals(entry.getKey().agent())
					? this.prices.cost(entry.getKey().model(), entry.getValue()) : null;
			if (one != null) {
				cost = (cost != null) ? cost.add(one) : one;
			}
		}
		return cost;
	}

	/** Totals per day, agent and model over the last {@code days} UTC days, today included, newest first. */
	synchronized List<Budgets.Usage> usage(int days) {
		LocalDate today = day(this.clock.instant());
		List<Budgets.Usage> rows = new ArrayList<>();
		for (int back = 0; back < days; back++) {
			LocalDate day = today.minusDays(back);
			new TreeMap<>(this.days.getOrDefault(day, Map.of())).forEach((spender, tokens) -> rows.add(new Budgets.Usage(
					day, spender.agent(), spender.model(), tokens, this.prices.cost(spender.model(), tokens))));
		}
		return rows;
	}

	private Map<Spender, TokenTotals> today() {
		return this.days.getOrDefault(day(this.clock.instant()), Map.of());
	}

	private static LocalDate day(Instant when) {
		return LocalDate.ofInstant(when, ZoneOffset.UTC);
	}

	/** One record of one task. */
	private record Key(TaskId task, int number) {
	}

	/** Who spent tokens: an agent ("null" where none was recorded) with a model (null where none was recorded). */
	private record Spender(String agent, String model) implements Comparable<Spender> {

		@Override
		public int compareTo(Spender other) {
			int byAgent = this.agent.compareTo(other.agent);
			return (byAgent != 0) ? byAgent : String.valueOf(this.model).compareTo(String.valueOf(other.model));
		}

	}

}
