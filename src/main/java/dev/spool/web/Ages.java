package dev.spool.web;

import java.time.Duration;
import java.time.Instant;

import dev.spool.Durations;

/** Short, human durations for the dashboard: {@code 12 s}, {@code 3 min}, {@code 2 h}, {@code 4 d}. */
final class Ages {

	private Ages() {
	}

	static String since(Instant then, Instant now) {
		return (then == null) ? "" : of(Duration.between(then, now));
	}

	/** A model's latency, in the unit that reads best: {@code 450 ms}, {@code 1.5 s}, {@code 2 min}. */
	static String latency(long millis) {
		return Durations.readable(Duration.ofMillis(millis));
	}

	static String of(Duration duration) {
		return Durations.whole(duration);
	}

}
