package dev.spool;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand, so that time-based behaviour is tested without sleeping: frozen at an instant
 * ({@link #startingNow()}, {@link #frozenAt}), or ticking with the system clock ({@link #ticking()}) for a running
 * Spool whose waits must still pass; either way {@link #advance} moves it on.
 */
public final class MutableClock extends Clock {

	private final Instant start;

	private final boolean ticks;

	private volatile Duration offset = Duration.ZERO;

	private MutableClock(Instant start, boolean ticks) {
		this.start = start;
		this.ticks = ticks;
	}

	/** A frozen clock at a fixed morning, the same in every run. */
	public static MutableClock startingNow() {
		return frozenAt(Instant.parse("2026-11-25T10:00:00Z"));
	}

	/** A frozen clock at this instant. */
	public static MutableClock frozenAt(Instant instant) {
		return new MutableClock(instant, false);
	}

	/** The system clock, moved on by whatever {@link #advance} adds. */
	public static MutableClock ticking() {
		return new MutableClock(null, true);
	}

	public void advance(Duration duration) {
		this.offset = this.offset.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return (this.ticks ? Instant.now() : this.start).plus(this.offset);
	}

}
