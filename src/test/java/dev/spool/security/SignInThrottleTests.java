package dev.spool.security;

import java.time.Duration;
import java.time.Instant;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Wrong passwords and tokens from one address make it wait longer after each, up to five minutes. */
class SignInThrottleTests {

	private final MutableClock clock = MutableClock.frozenAt(Instant.parse("2026-01-01T00:00:00Z"));

	private final SignInThrottle throttle = new SignInThrottle(this.clock);

	@Test
	void aFewFailuresAreFreeThenTheAddressWaitsLongerAfterEachFailureUpToFiveMinutes() {
		failTimes("10.0.0.1", 4);
		assertThat(this.throttle.lockedFor("10.0.0.1")).isEmpty();

		this.throttle.failed("10.0.0.1");
		assertThat(this.throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofSeconds(5));
		assertThat(this.throttle.lockedFor("10.0.0.2")).as("another address").isEmpty();

		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.throttle.lockedFor("10.0.0.1")).isEmpty();
		this.throttle.failed("10.0.0.1");
		assertThat(this.throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofSeconds(10));

		failTimes("10.0.0.1", 20);
		assertThat(this.throttle.lockedFor("10.0.0.1")).hasValue(Duration.ofMinutes(5));
	}

	@Test
	void aSuccessOrHalfAnHourWithoutFailuresStartsAfresh() {
		failTimes("10.0.0.1", 5);
		this.throttle.succeeded("10.0.0.1");
		assertThat(this.throttle.lockedFor("10.0.0.1")).isEmpty();
		this.throttle.failed("10.0.0.1");
		assertThat(this.throttle.lockedFor("10.0.0.1")).isEmpty();

		failTimes("10.0.0.3", 4);
		this.clock.advance(Duration.ofMinutes(31));
		this.throttle.failed("10.0.0.3");
		assertThat(this.throttle.lockedFor("10.0.0.3")).isEmpty();
	}

	private void failTimes(String address, int times) {
		for (int i = 0; i < times; i++) {
			this.throttle.failed(address);
		}
	}

}
