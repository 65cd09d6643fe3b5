package dev.spool;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations said in the unit that reads best, the same on the chart, the timeline and in errors. */
class DurationsTests {

	@Test
	void aDurationIsSaidInTheUnitThatReadsBest() {
		assertThat(Durations.readable(Duration.ofMillis(450))).isEqualTo("450 ms");
		assertThat(Durations.readable(Duration.ofMillis(1500))).isEqualTo("1.5 s");
		assertThat(Durations.readable(Duration.ofSeconds(45))).isEqualTo("45 s");
		assertThat(Durations.readable(Duration.ofMillis(60_011))).isEqualTo("60 s");
		assertThat(Durations.readable(Duration.ofMillis(120_330))).isEqualTo("2 min");
		assertThat(Durations.readable(Duration.ofHours(3))).isEqualTo("3 h");
		assertThat(Durations.readable(Duration.ofMillis(-5))).isEqualTo("0 ms");
	}

}
