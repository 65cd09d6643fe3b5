package dev.spool.budget;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tokens spent, per UTC day, agent and model, added up from the attempt records, and the budgets they are held to.
 * The totals are read from every record the index holds at start and then grow with each record that this process
 * or the watcher sees, so they hold across restarts and count the records other processes write; no claim re-reads
 * the records.
 */
@Component
public final class Budgets {

	private final TaskIndex index;

	private final Clock clock;

	private final Long workspaceDaily;

	private final Prices prices;

	/** Tokens by day, then by agent and model. */
	private final Map<LocalDate, Map<Spender, TokenTotals>> days = new HashMap<>();

	/** The highest record number of each task already added in. */
	private final Map<TaskId, Integer> counted = new HashMap<>();

	private final Map<String, Long> agentLimits = new ConcurrentHashMap<>();

	/** The agent that last left a pending task alone for its budget. */
	private final Map<TaskId, String> refusedBy = new ConcurrentHashMap<>();

	Budgets(TaskIndex index, Clock clock, BudgetProperties properties, Prices prices) {
		this.index = index;
		this.clock = clock;
		this.workspaceDaily = properties.dailyTokens();
		this.prices = prices;
		for (TaskState state : TaskState.values()) {
			index.queries().newestFirst(state).forEach(this::count);
		}
	}

	@EventListener
	void on(TaskChanged changed) {
		Task after = changed.after();
		if (after != null) {
			count(after);
		}
		if (after == null || after.state() != TaskState.PENDING) {
			this.refusedBy.remove(changed.id());
		}
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
	public AttemptMeter meter(TaskId id, String... prompt) {
		Task task = this.index.find(id).orElse(null);
		long chars = 0;
		for (String part : prompt) {
			chars += (part != null) ? part.length() : 0;
		}
		Long budget = (task != null) ? task.document().budgetTokens() : null;
		return new AttemptMeter(id, (task != null) ? spent(task).total() : 0, budget, chars);
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
	public synchronized TokenTotals today(String agent) {
		TokenTotals totals = TokenTotals.NONE;
		for (Map.Entry<Spender, TokenTotals> entry : this.days.getOrDefault(currentDay(), Map.of()).entrySet()) {
			if (agent.equals(entry.getKey().agent())) {
				totals = totals.plus(entry.getValue());
			}
		}
		return totals;
	}

	/** Tokens all attempts used today (UTC). */
	public synchronized TokenTotals today() {
		return this.days.getOrDefault(currentDay(), Map.of()).values().stream().reduce(TokenTotals.NONE, TokenTotals::plus);
	}

	/** Totals per day, agent and model over the last {@code days} UTC days, today included, newest first. */
	public synchronized List<Usage> usage(int days) {
		LocalDate today = currentDay();
		List<Usage> rows = new ArrayList<>();
		for (int back = 0; back < days; back++) {
			LocalDate day = today.minusDays(back);
			new TreeMap<>(this.days.getOrDefault(day, Map.of())).forEach((spender, tokens) -> rows.add(new Usage(day,
					spender.agent(), spender.model(), tokens, this.prices.cost(spender.model(), tokens))));
		}
		return rows;
	}

	/** What an agent's tokens today (UTC) cost, over the models with a price; null when none has one. */
	public synchronized java.math.BigDecimal costToday(String agent) {
		java.math.BigDecimal cost = null;
		for (Map.Entry<Spender, TokenTotals> entry : this.days.getOrDefault(currentDay(), Map.of()).entrySet()) {
			java.math.BigDecimal one = agent.equals(entry.getKey().agent())
					? this.prices.cost(entry.getKey().model(), entry.getValue()) : null;
			if (one != null) {
				cost = (cost != null) ? cost.add(one) : one;
			}
		}
		return cost;
	}

	/** What tokens of a model cost, or null without a price. */
	public java.math.BigDecimal cost(String model, TokenTotals tokens) {
		return this.prices.cost(model, tokens);
	}

	private synchronized void count(Task task) {
		int done = this.counted.getOrDefault(task.id(), 0);
		int highest = done;
		for (Attempt entry : task.history()) {
			if (entry.number() <= done) {
				continue;
			}
			highest = Math.max(highest, entry.number());
			if (entry.tokens() != null) {
				Instant when = (entry.finishedAt() != null) ? entry.finishedAt() : this.clock.instant();
				Spender spender = new Spender(String.valueOf(entry.agent()), entry.model());
				this.days.computeIfAbsent(day(when), (day) -> new HashMap<>())
					.merge(spender, TokenTotals.NONE.plus(entry.tokens()), TokenTotals::plus);
			}
		}
		this.counted.put(task.id(), highest);
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
		long spent = spent(task).total();
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

	private LocalDate currentDay() {
		return day(this.clock.instant());
	}

	private static LocalDate day(Instant when) {
		return LocalDate.ofInstant(when, ZoneOffset.UTC);
	}

	static String tokens(long count) {
		return String.format(Locale.ROOT, "%,d", count);
	}

	/** Who spent tokens: an agent (or "null" for none recorded) with a model (or null when not recorded). */
	private record Spender(String agent, String model) implements Comparable<Spender> {

		@Override
		public int compareTo(Spender other) {
			int byAgent = this.agent.compareTo(other.agent);
			return (byAgent != 0) ? byAgent : String.valueOf(this.model).compareTo(String.valueOf(other.model));
		}

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
	public record Usage(LocalDate day, String agent, String model, TokenTotals tokens, java.math.BigDecimal costUsd) {
	}

}
