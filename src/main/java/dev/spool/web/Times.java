package dev.spool.web;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.spool.workspace.Task;

import org.springframework.stereotype.Component;

/**
 * Times and durations as pages show them: {@code 2026-11-25 10:00:03 UTC} (the page's script shows it in the viewer's
 * own time zone) and {@code 12 s}; used from templates as {@code @times}.
 */
@Component("times")
public class Times {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private final Clock clock;

	private final ClaimTimes claims;

	Times(Clock clock, ClaimTimes claims) {
		this.clock = clock;
		this.claims = claims;
	}

	public String format(Instant instant) {
		return (instant == null) ? "—" : FORMAT.format(instant);
	}

	/** A duration given in milliseconds, as the board and pages write it. */
	public String duration(Long millis) {
		return (millis == null) ? "—" : Ages.of(java.time.Duration.ofMillis(millis));
	}

	/** How long the task waited and ran. */
	public TaskDurations durations(Task task) {
		return TaskDurations.of(task, this.claims.since(task.id()), this.clock.instant());
	}

}
