package dev.spool.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.TaskChanged;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Failed attempts (model errors and stale claims) of the last half hour, per minute and agent, as this process saw
 * them recorded: the index keeps finishes, not failures, so the chart's failures start when Spool does.
 */
@Component
class RecentFailures {

	private final Clock clock;

	/** Minute → agent → failed attempts. */
	private final ConcurrentSkipListMap<Instant, Map<String, AtomicLong>> minutes = new ConcurrentSkipListMap<>();

	RecentFailures(Clock clock) {
		this.clock = clock;
	}

	@EventListener
	void on(TaskChanged changed) {
		if (changed.after() == null) {
			return;
		}
		List<Attempt> history = changed.after().history();
		int known = (changed.before() != null) ? changed.before().history().size() : 0;
		Instant oldest = window();
		for (Attempt attempt : history.subList(Math.min(known, history.size()), history.size())) {
			boolean failed = attempt.outcome() == Attempt.Outcome.ERROR || attempt.outcome() == Attempt.Outcome.STALE;
			if (failed && attempt.finishedAt() != null && !attempt.finishedAt().isBefore(oldest)) {
				String agent = (attempt.agent() != null) ? attempt.agent() : "?";
				this.minutes.computeIfAbsent(attempt.finishedAt().truncatedTo(ChronoUnit.MINUTES),
						(minute) -> new ConcurrentHashMap<>())
					.computeIfAbsent(agent, (name) -> new AtomicLong())
					.incrementAndGet();
			}
		}
		this.minutes.headMap(oldest).clear();
	}

	/** Failed attempts per agent in one minute (its start). */
	Map<String, AtomicLong> in(Instant minute) {
		return this.minutes.getOrDefault(minute, Map.of());
	}

	private Instant window() {
		return this.clock.instant()
			.truncatedTo(ChronoUnit.MINUTES)
			.minus(Duration.ofMinutes(ActivityChart.MINUTES - 1));
	}

}
