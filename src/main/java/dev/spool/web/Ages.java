package dev.spool.web;

import java.time.Duration;
import java.time.Instant;

/** Short, human durations for the dashboard: {@code 12 s}, {@code 3 min}, {@code 2 h}, {@code 4 d}. */
final class Ages {

	private Ages() {
	}

	static String since(Instant then, Instant now) {
		return (then == null) ? "" : of(Duration.between(then, now));
	}

	/** A model's latency: {@code 450 ms}, {@code 1.5 s}, then as {@link #of(Duration)} from a minute on. */
	static String latency(long millis) {
		if (millis < 1000) {
			return millis + " ms";
		}
		if (millis < 60_000) {
			return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
		}
		return of(Duration.ofMillis(millis));
	}

	static String of(Duration duration) {
		long seconds = Math.max(0, duration.toSeconds());
		if (seconds < 90) {
			return seconds + " s";
		}
		if (seconds < 90 * 60) {
			return (seconds / 60) + " min";
		}
		if (seconds < 36 * 3600) {
			return (seconds / 3600) + " h";
		}
		return (seconds / 86400) + " d";
	}

}
