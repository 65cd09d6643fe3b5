package dev.spool.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-ins and wrong bearer tokens, counted per client address in memory. After {@value #FREE_FAILURES} in a
 * row an address must wait before it may try again: 5 s, then twice as long after each further failure, at most
 * 5 min. A success, or {@link #FORGET_AFTER} without a failure, clears the count.
 */
final class SignInThrottle {

	static final int FREE_FAILURES = 5;

	static final Duration FIRST_LOCK = Duration.ofSeconds(5);

	static final Duration LONGEST_LOCK = Duration.ofMinutes(5);

	static final Duration FORGET_AFTER = Duration.ofMinutes(30);

	/** Addresses remembered at most; beyond, those not locked out are forgotten first. */
	private static final int MAX_ADDRESSES = 10_000;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	private final Clock clock;

	SignInThrottle(Clock clock) {
		this.clock = clock;
	}

	/** How long this address must still wait before it may try again, if it must. */
	Optional<Duration> lockedFor(String address) {
		Failures current = this.failures.get(address);
		if (current == null) {
			return Optional.empty();
		}
		Duration left = Duration.between(this.clock.instant(), current.lockedUntil());
		return (left.isNegative() || left.isZero()) ? Optional.empty() : Optional.of(left);
	}

	void failed(String address) {
		Instant now = this.clock.instant();
		if (this.failures.size() >= MAX_ADDRESSES) {
			this.failures.values().removeIf((failure) -> !failure.lockedUntil().isAfter(now));
		}
		this.failures.compute(address, (key, before) -> {
			int count = (before == null || before.last().plus(FORGET_AFTER).isBefore(now)) ? 1 : before.count() + 1;
			return new Failures(count, now, now.plus(lock(count)));
		});
	}

	void succeeded(String address) {
		this.failures.remove(address);
	}

	/** The wait after the given number of failures in a row. */
	static Duration lock(int failures) {
		if (failures < FREE_FAILURES) {
			return Duration.ZERO;
		}
		int doublings = Math.min(failures - FREE_FAILURES, 16);
		Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
		return (lock.compareTo(LONGEST_LOCK) > 0) ? LONGEST_LOCK : lock;
	}

	private record Failures(int count, Instant last, Instant lockedUntil) {
	}

}
