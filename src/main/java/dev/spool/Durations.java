package dev.spool;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people read them, in one place for logs, errors, the timeline and the dashboard: {@link #describe} for
 * settings ({@code 5 s}, {@code 1500 ms}), {@link #readable} in the unit that reads best ({@code 450 ms},
 * {@code 1.5 s}, {@code 2 min}), {@link #whole} in whole units for timers that tick ({@code 12 s}, {@code 3 min}).
 */
public final class Durations {

	private Durations() {
	}

	/** A setting's duration, exact: {@code 5 s}, or {@code 1500 ms} when whole seconds would round. */
	public static String describe(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	/** In the unit that reads best: {@code 450 ms}, {@code 1.5 s}, {@code 45 s}, then as {@link #whole} from a minute on. */
	public static String readable(Duration duration) {
		long millis = Math.max(0, duration.toMillis());
		if (millis < 1000) {
			return millis + " ms";
		}
		if (millis < 60_000) {
			return (millis % 1000 == 0) ? (millis / 1000) + " s"
					: String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
		}
		return whole(duration);
	}

	/** In whole units, as a timer that ticks shows it: {@code 12 s} up to 90 s, {@code 3 min}, {@code 2 h}, {@code 4 d}. */
	public static String whole(Duration duration) {
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
