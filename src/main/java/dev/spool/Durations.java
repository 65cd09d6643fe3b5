package dev.spool;

import java.time.Duration;

/** Durations as logs and errors show them: {@code 5 s}, or {@code 1500 ms} when whole seconds would round. */
public final class Durations {

	private Durations() {
	}

	public static String describe(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

}
