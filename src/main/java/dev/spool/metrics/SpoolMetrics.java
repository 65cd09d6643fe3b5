package dev.spool.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.context.event.EventListener;

/**
 * Turns the changes of what is known of the tasks into meters: tasks by state, transitions, pickup latency, attempts
 * and their durations, retries, stale claims taken back, and tokens per agent and model. Every process counts what it
 * sees happen in the workspace, its own work and others' alike; the gauges of tasks by state agree across processes.
 */
final class SpoolMetrics {

	private final MeterRegistry registry;

	private final Timer pickup;

	SpoolMetrics(MeterRegistry registry, TaskIndex index) {
		this.registry = registry;
		for (TaskState state : TaskState.values()) {
			Gauge.builder("spool.tasks", () -> index.queries().count(state))
				.description("Tasks in the workspace by state")
				.tag("state", state.word())
				.register(registry);
		}
		this.pickup = Timer.builder("spool.pickup.latency")
			.description("From a task becoming pending (created, or sent back) to the claim of an attempt, as its "
					+ "record tells once the attempt ends")
			.publishPercentileHistogram()
			.register(registry);
	}

	@EventListener
	void on(TaskChanged changed) {
		Task before = changed.before();
		Task after = changed.after();
		if (after == null) {
			return;
		}
		TaskState from = (before != null) ? before.state() : null;
		if (from != after.state()) {
			transition(from, after);
		}
		int seen = (before != null) ? before.history().size() : 0;
		List<Attempt> history = after.history();
		for (int i = Math.min(seen, history.size()); i < history.size(); i++) {
			recorded(history.get(i));
			pickedUp(after, i);
		}
	}

	private void transition(TaskState from, Task task) {
		Counter.builder("spool.transitions")
			.description("Changes of a task's state seen in the workspace")
			.tag("from", (from != null) ? from.word() : "new")
			.tag("to", task.state().word())
			.register(this.registry)
			.increment();
	}

	private void recorded(Attempt attempt) {
		String agent = (attempt.agent() != null) ? attempt.agent() : "unknown";
		switch (attempt.outcome()) {
			case RETRIED -> Counter.builder("spool.retries")
				.description("Failed or cancelled tasks sent back to pending")
				.register(this.registry)
				.increment();
			case STALE -> count("spool.stale.resets", "Claims taken back because the heartbeat went quiet", agent);
			default -> {
			}
		}
		if (attempt.outcome().isAttempt()) {
			Timer.builder("spool.attempt.duration")
				.description("How long attempts took, by agent and outcome")
				.tag("agent", agent)
				.tag("outcome", attempt.outcome().name().toLowerCase(Locale.ROOT))
				.register(this.registry)
				.record((attempt.startedAt() != null && attempt.finishedAt() != null)
						? Duration.between(attempt.startedAt(), attempt.finishedAt()) : Duration.ZERO);
		}
		if (attempt.tokens() != null) {
			String model = (attempt.model() != null) ? attempt.model() : "unknown";
			tokens(agent, model, "input", attempt.tokens().prompt());
			tokens(agent, model, "output", attempt.tokens().completion());
		}
	}

	/**
	 * The pickup latency of an attempt, from its record: from when the task became pending (its creation, or the end
	 * of the entry before, after which it went back to pending) to when the attempt's claim began. Derived from the
	 * files, so every process agrees and none misses a claim that came and went between two looks.
	 */
	private void pickedUp(Task task, int index) {
		Attempt attempt = task.history().get(index);
		Instant since = (index == 0) ? task.createdAt() : task.history().get(index - 1).finishedAt();
		if (attempt.outcome().isAttempt() && attempt.startedAt() != null && since != null
				&& !attempt.startedAt().isBefore(since)) {
			this.pickup.record(Duration.between(since, attempt.startedAt()));
		}
	}

	private void count(String name, String description, String agent) {
		Counter.builder(name).description(description).tag("agent", agent).register(this.registry).increment();
	}

	private void tokens(String agent, String model, String type, long amount) {
		Counter.builder("spool.tokens")
			.description("Model tokens spent, by agent, model and type")
			.baseUnit("tokens")
			.tag("agent", agent)
			.tag("model", model)
			.tag("type", type)
			.register(this.registry)
			.increment(amount);
	}

}
