package dev.spool.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.spool.SpoolProperties;
import dev.spool.agent.AgentCatalog;
import dev.spool.agent.AgentDefinition;
import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/**
 * Tasks pending again after a failed attempt (Sidekiq's Retries): the last error, the attempts used of those allowed,
 * and when the next attempt may come. Spool keeps no delay per task: any agent that may take it does so when a slot
 * is free, except that an agent pauses after a failed attempt of its own ({@code spool.retry-backoff}); so the next
 * try is "as soon as an agent is free" unless every agent that may take it is pausing.
 */
@Component
class Retries {

	private final TaskIndex index;

	private final AgentCatalog catalog;

	private final AgentDirectory agents;

	private final Clock clock;

	private final int defaultMaxAttempts;

	Retries(TaskIndex index, AgentCatalog catalog, AgentDirectory agents, Clock clock, SpoolProperties properties) {
		this.index = index;
		this.catalog = catalog;
		this.agents = agents;
		this.clock = clock;
		this.defaultMaxAttempts = properties.maxAttempts();
	}

	/** One page of the tasks waiting to be tried again, newest first. */
	View view(int page, Integer size) {
		// A walk of the pending tasks in memory: the records are already in the index, no file is read.
		List<Task> retrying = this.index.queries()
			.newestFirst(TaskState.PENDING)
			.stream()
			.filter((task) -> lastFailure(task).isPresent())
			.toList();
		Pager pager = Pager.of("/retries", Map.of(), page, size, retrying.size());
		Map<String, AgentStatus> statuses = this.agents.list()
			.stream()
			.collect(Collectors.toMap(AgentStatus::name, Function.identity()));
		Instant now = this.clock.instant();
		List<Row> rows = retrying.stream()
			.skip(pager.offset())
			.limit(pager.size())
			.map((task) -> row(task, statuses, now))
			.toList();
		return new View(rows, pager);
	}

	/**
	 * The failed attempt a pending task is to be tried again after: its newest attempt, when that failed; empty when
	 * it was never tried, or a person retried it or rejected its answer since.
	 */
	static Optional<Attempt> lastFailure(Task task) {
		List<Attempt> history = task.history();
		for (int i = history.size() - 1; i >= 0; i--) {
			Attempt entry = history.get(i);
			if (entry.outcome() == Attempt.Outcome.RETRIED || entry.outcome() == Attempt.Outcome.REJECTED
					|| entry.outcome() == Attempt.Outcome.DONE) {
				return Optional.empty();
			}
			if (entry.outcome() == Attempt.Outcome.ERROR || entry.outcome() == Attempt.Outcome.STALE) {
				return Optional.of(entry);
			}
		}
		return Optional.empty();
	}

	private Row row(Task task, Map<String, AgentStatus> statuses, Instant now) {
		Attempt failure = lastFailure(task).orElseThrow();
		Integer own = task.document().maxAttempts();
		int allowed = (own != null && own > 0) ? own : this.defaultMaxAttempts;
		String title = (task.title() != null) ? task.title() : task.summary();
		return new Row(task.id().text(), title, task.attemptsSinceRetry(), allowed,
				(failure.outcome() == Attempt.Outcome.STALE) ? "taken back: its agent went quiet" : failure.error(),
				failure.agent(), failure.finishedAt(), nextTry(task, statuses, now));
	}

	/** When the task may be tried again, as honestly as Spool knows it. */
	private String nextTry(Task task, Map<String, AgentStatus> statuses, Instant now) {
		List<AgentDefinition> takers = this.catalog.mayTake(task);
		if (takers.isEmpty()) {
			String named = task.document().agent();
			return (named != null) ? "when " + named + " (not defined in agents/: an outside program) takes it"
					: "no agent defined in agents/ may take it (role " + task.document().role() + ")";
		}
		List<String> free = takers.stream()
			.filter((definition) -> pausedUntil(statuses, definition.name(), now) == null)
			.map(AgentDefinition::name)
			.toList();
		if (!free.isEmpty()) {
			return "as soon as " + names(free) + " has a free slot";
		}
		AgentDefinition first = takers.stream()
			.min(Comparator.comparing((definition) -> pausedUntil(statuses, definition.name(), now)))
			.orElseThrow();
		Instant until = pausedUntil(statuses, first.name(), now);
		return "after " + first.name() + "'s pause after a failed attempt, in "
				+ Ages.of(java.time.Duration.between(now, until)) + " (spool.retry-backoff)";
	}

	private static Instant pausedUntil(Map<String, AgentStatus> statuses, String agent, Instant now) {
		AgentStatus status = statuses.get(agent);
		Instant until = (status != null) ? status.pausedUntil() : null;
		return (until != null && until.isAfter(now)) ? until : null;
	}

	private static String names(List<String> agents) {
		return (agents.size() <= 3) ? String.join(" or ", agents)
				: String.join(", ", agents.subList(0, 3)) + " or " + (agents.size() - 3) + " more";
	}

	/**
	 * One task waiting to be tried again.
	 *
	 * @param id the task
	 * @param title its title, or the start of its prompt
	 * @param attempts attempts used since it was last retried by a person
	 * @param allowed attempts allowed before it fails
	 * @param error what went wrong last time
	 * @param agent the agent whose attempt failed, or null
	 * @param failedAt when that attempt ended
	 * @param nextTry when it may be tried again, in words
	 */
	record Row(String id, String title, int attempts, int allowed, String error, String agent, Instant failedAt,
			String nextTry) {
	}

	/** A page of retries. */
	record View(List<Row> rows, Pager pager) {
	}

}
