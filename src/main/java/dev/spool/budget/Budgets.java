package dev.spool.budget;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import dev.spool.agent.AgentsDefined;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tokens spent, added up from the attempt records, and the budgets they are held to. The totals are read at start
 * from every record the index holds and, from their files, from the records of archived tasks (and of tasks whose
 * file is gone) written since the day before today; they then grow with each record that this process or the watcher
 * sees, and with the records of a task as it leaves the index. So they hold across restarts and archiving, and count
 * the records other processes write; no claim re-reads the records. Older days are read from the files when
 * {@link #usage(int)} first asks for them.
 */
@Component
public final class Budgets {

	/**
	 * How much earlier than the first day wanted a record's file time may be and the record still be read: room for
	 * the clocks of other hosts writing the workspace (a file's time is the file server's, a record's
	 * {@code finished_at} its writer's).
	 */
	static final Duration FILE_TIME_SLACK = Duration.ofDays(1);

	private final TaskIndex index;

	private final AttemptRecords records;

	private final Clock clock;

	private final Object filesRead = new Object();

	/** The first UTC day whose records were all read from their files, archived ones included. */
	private LocalDate filesReadFrom;

	private final Long workspaceDaily;

	private final Prices prices;

	private final TokenLedger ledger;

	private final Map<String, Long> agentLimits = new ConcurrentHashMap<>();

	/** The agent that last left a pending task alone for its budget. */
	private final Map<TaskId, String> refusedBy = new ConcurrentHashMap<>();

	Budgets(TaskIndex index, AttemptRecords records, Clock clock, BudgetProperties properties, Prices prices) {
		this.index = index;
		this.records = records;
		this.clock = clock;
		this.workspaceDaily = properties.dailyTokens();
		this.prices = prices;
		this.ledger = new TokenLedger(clock, prices);
		for (TaskState state : TaskState.values()) {
			index.queries().newestFirst(state).forEach(this.ledger::count);
		}
		readFilesFrom(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
	}

	@EventListener
	void on(TaskChanged changed) {
		Task after = changed.after();
		if (!(changed instanceof TaskChanged.Vanished)) {
			this.ledger.count(after);
		}
		else {
			// Archived (or its file removed): records written since the index last read them are counted from where
			// they are now.
			this.ledger.count(this.records.above(changed.id(), this.ledger.counted(changed.id())));
		}
		if (after == null || after.state() != TaskState.PENDING) {
			this.refusedBy.remove(changed.id());
		}
	}

	@EventListener
	void on(AgentsDefined defined) {
		defined.definitions().forEach((agent) -> limitAgent(agent.name(), agent.budgetDailyTokens()));
	}

	/** Sets an agent's daily limit as its definition says; null for none. */
	public void limitAgent(String agent, Long dailyTokens) {
		if (dailyTokens != null) {
			this.agentLimits.put(agent, dailyTokens);
		}
		else {
			this.agentLimits.remove(agent);
		}
	}

	/** An agent's daily limit, or null for none. */
	public Long agentLimit(String agent) {
		return this.agentLimits.get(agent);
	}

	public Long workspaceLimit() {
		return this.workspaceDaily;
	}

	/**
	 * Why an agent may not start an attempt at a task now, or empty when it may: the workspace's daily budget, the
	 * task's own budget or the agent's daily budget is spent.
	 */
	public Optional<String> refusal(Task task, String agent) {
		Optional<String> why = workspaceSpent().or(() -> taskSpent(task)).or(() -> agentSpent(agent));
		if (why.isPresent()) {
			this.refusedBy.put(task.id(), agent);
		}
		else {
			this.refusedBy.remove(task.id());
		}
		return why;
	}

	/** Why no attempt of this agent may start now, whatever the task: the workspace's or its own daily budget. */
	public Optional<String> dailyRefusal(String agent) {
		return workspaceSpent().or(() -> agentSpent(agent));
	}

	/**
	 * Why no attempt of this agent may start at this task now for a daily budget (the workspace's or the agent's),
	 * whatever the task's own budget; remembered, as {@link #refusal} is, for {@link #waiting}.
	 */
	public Optional<String> dailyRefusal(Task task, String agent) {
		Optional<String> why = dailyRefusal(agent);
		if (why.isPresent()) {
			this.refusedBy.put(task.id(), agent);
		}
		return why;
	}

	/** Why a task may not be worked on now for its own {@code budget_tokens}, or empty when it may. */
	public Optional<String> ownRefusal(Task task) {
		return taskSpent(task);
	}

	/**
	 * Why a pending task waits for budget, or empty when it does not: said once an agent that may take it left it
	 * alone for a budget, and for as long as that budget stays spent.
	 */
	public Optional<String> waiting(Task task) {
		String agent = this.refusedBy.get(task.id());
		if (task.state() != TaskState.PENDING || agent == null) {
			return Optional.empty();
		}
		return workspaceSpent().or(() -> taskSpent(task)).or(() -> agentSpent(agent));
	}

	/** Measures one attempt at a task as its answer streams, against the task's own budget. */
	AttemptMeter meter(TaskId id, String... prompt) {
		Task task = this.index.find(id).orElse(null);
		long chars = 0;
		for (String part : prompt) {
			chars += (part != null) ? part.length() : 0;
		}
		Long budget = (task != null) ? task.document().budgetTokens() : null;
		return new AttemptMeter(id, (task != null) ? spentAgainstBudget(task).total() : 0, budget, chars);
	}

	/**
	 * Tokens a task's attempts used since a person last retried it: what its {@code budget_tokens} is held to. A
	 * retry gives a fresh budget, as it gives a fresh count of attempts.
	 */
	static TokenTotals spentAgainstBudget(Task task) {
		TokenTotals totals = TokenTotals.NONE;
		for (Attempt entry : task.history()) {
			totals = (entry.outcome() == Attempt.Outcome.RETRIED) ? TokenTotals.NONE : totals.plus(entry.tokens());
		}
		return totals;
	}

	/** Tokens all of a task's attempts used. */
	public static TokenTotals spent(Task task) {
		TokenTotals totals = TokenTotals.NONE;
		for (Attempt entry : task.history()) {
			totals = totals.plus(entry.tokens());
		}
		return totals;
	}

	/** Tokens an agent's attempts used today (UTC). */
	public TokenTotals today(String agent) {
		return this.ledger.today(agent);
	}

	/** Tokens all attempts used today (UTC). */
	public TokenTotals today() {
		return this.ledger.todayAll();
	}

	/** What an agent's tokens today (UTC) cost, over the models with a price; null when none has one. */
	public BigDecimal costToday(String agent) {
		return this.ledger.costToday(agent);
	}

	/** Totals per day, agent and model over the last {@code days} UTC days, today included, newest first. */
	public List<Usage> usage(int days) {
		readFilesFrom(LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC).minusDays(days - 1L));
		return this.ledger.usage(days);
	}

	/**
	 * Each of the last {@code days} UTC days, today included, newest first: answers, failed attempts, latency
	 * percentiles, tokens and cost, from every record once (read from their files once for days not read yet).
	 */
	public List<ActivityDay> days(int days) {
		List<Usage> usage = usage(days);
		DailyActivity activity = this.ledger.activity();
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		List<ActivityDay> found = new ArrayList<>();
		for (int back = 0; back < days; back++) {
			LocalDate day = today.minusDays(back);
			DailyActivity.Counts counts = activity.day(day);
			long tokens = 0;
			BigDecimal cost = null;
			for (Usage row : usage) {
				if (row.day().equals(day)) {
					tokens += row.tokens().total();
					cost = (row.costUsd() == null) ? cost : (cost == null) ? row.costUsd() : cost.add(row.costUsd());
				}
			}
			found.add(new ActivityDay(day, counts.finished(), counts.failed(),
					ActivityDay.percentile(counts.latencies(), 0.50), ActivityDay.percentile(counts.latencies(), 0.95),
					tokens, cost));
		}
		return found;
	}

	/** The median and 95th percentile of the time from claim to answer over the last {@code days} UTC days. */
	public ActivityDay.Percentiles latencyPercentiles(int days) {
		readFilesFrom(LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC).minusDays(days - 1L));
		LocalDate today = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
		LongStream.Builder all = LongStream.builder();
		for (int back = 0; back < days; back++) {
			for (long latency : this.ledger.activity().day(today.minusDays(back)).latencies()) {
				all.add(latency);
			}
		}
		long[] sorted = all.build().sorted().toArray();
		return new ActivityDay.Percentiles(ActivityDay.percentile(sorted, 0.50), ActivityDay.percentile(sorted, 0.95));
	}

	/** Reads from their files the records of a day and after, once, if they were not read yet. */
	private void readFilesFrom(LocalDate day) {
		synchronized (this.filesRead) {
			if (this.filesReadFrom != null && !day.isBefore(this.filesReadFrom)) {
				return;
			}
			Instant since = day.atStartOfDay(ZoneOffset.UTC).toInstant().minus(FILE_TIME_SLACK);
			this.ledger.count(this.records.writtenSince(since));
			this.filesReadFrom = day;
		}
	}

	/** What tokens of a model cost, or null without a price. */
	public BigDecimal cost(String model, TokenTotals tokens) {
		return this.prices.cost(model, tokens);
	}

	private Optional<String> workspaceSpent() {
		if (this.workspaceDaily == null) {
			return Optional.empty();
		}
		long spent = today().total();
		return (spent >= this.workspaceDaily)
				? Optional.of("budget: the workspace spent " + tokens(spent) + " of " + tokens(this.workspaceDaily)
						+ " tokens today (spool.budget.daily-tokens)")
				: Optional.empty();
	}

	private static Optional<String> taskSpent(Task task) {
		Long budget = task.document().budgetTokens();
		if (budget == null) {
			return Optional.empty();
		}
		long spent = spentAgainstBudget(task).total();
		return (spent >= budget) ? Optional.of("budget: " + task.id() + " spent " + tokens(spent) + " of "
				+ tokens(budget) + " tokens (budget_tokens)") : Optional.empty();
	}

	private Optional<String> agentSpent(String agent) {
		Long limit = this.agentLimits.get(agent);
		if (limit == null) {
			return Optional.empty();
		}
		long spent = today(agent).total();
		return (spent >= limit) ? Optional.of("budget: " + agent + " spent " + tokens(spent) + " of " + tokens(limit)
				+ " tokens today (budget_daily_tokens)") : Optional.empty();
	}

	static String tokens(long count) {
		return String.format(Locale.ROOT, "%,d", count);
	}

	/**
	 * Tokens one agent spent on one model in one UTC day.
	 *
	 * @param day the UTC day
	 * @param agent the agent
	 * @param model the model, or null where the attempt did not record one (it failed before an answer)
	 * @param tokens what was spent
	 * @param costUsd what it cost in US dollars, or null when the model has no price
	 */
	public record Usage(LocalDate day, String agent, String model, TokenTotals tokens, BigDecimal costUsd) {
	}

}
