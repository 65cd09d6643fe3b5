package dev.spool.budget;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.spool.workspace.Attempt;

/**
 * Tasks finished and attempts failed per UTC day, with the time each finished attempt took from claim to answer, added
 * up as the {@link TokenLedger} is, from each record once: so the history outlives restarts and archiving, and a page
 * asks it without reading a file.
 */
final class DailyActivity {

	private final Map<LocalDate, Day> days = new HashMap<>();

	/** Adds one record: a published answer (with its latency when its start is known) or a failed attempt. */
	synchronized void add(Attempt record) {
		if (record.finishedAt() == null) {
			return;
		}
		Day day = this.days.computeIfAbsent(LocalDate.ofInstant(record.finishedAt(), ZoneOffset.UTC),
				(key) -> new Day());
		switch (record.outcome()) {
			case DONE -> day.finished(
					(record.startedAt() != null) ? Duration.between(record.startedAt(), record.finishedAt()).toMillis()
							: null);
			case ERROR, STALE -> day.failed++;
			default -> {
			}
		}
	}

	/** What one day holds: its counts, and its latencies sorted (sorted again only after a change). */
	synchronized Counts day(LocalDate date) {
		Day day = this.days.get(date);
		return (day != null) ? new Counts(day.finished, day.failed, day.sortedLatencies()) : Counts.NONE;
	}

	/** One day's finishes, failures and the latencies of its finishes, lowest first. */
	record Counts(long finished, long failed, long[] latencies) {

		static final Counts NONE = new Counts(0, 0, new long[0]);

	}

	/** One day, as records arrive. */
	private static final class Day {

		private long finished;

		private long failed;

		private long[] latencies = new long[8];

		private int timed;

		private boolean sorted = true;

		void finished(Long latency) {
			this.finished++;
			if (latency != null) {
				if (this.timed == this.latencies.length) {
					this.latencies = Arrays.copyOf(this.latencies, this.timed * 2);
				}
				this.latencies[this.timed++] = Math.max(0, latency);
				this.sorted = false;
			}
		}

		long[] sortedLatencies() {
			if (!this.sorted) {
				Arrays.sort(this.latencies, 0, this.timed);
				this.sorted = true;
			}
			return Arrays.copyOf(this.latencies, this.timed);
		}

	}

}
