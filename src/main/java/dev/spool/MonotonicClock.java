package dev.spool;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that never goes backwards: the wall time at start plus the monotonic time since, so that stale claims
 * are judged on a clock that a time-server adjustment cannot jump.
 */
final class MonotonicClock extends Clock {

	private final Instant origin = Instant.now();

	private final long originNanos = System.nanoTime();

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("Spool keeps time in UTC");
	}

	@Override
	public Instant instant() {
		return this.origin.plusNanos(System.nanoTime() - this.originNanos);
	}

}
