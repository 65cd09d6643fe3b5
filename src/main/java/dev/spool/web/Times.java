package dev.spool.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/** Times as pages show them: {@code 2026-11-25 10:00:03 UTC}, used from templates as {@code @times}. */
@Component("times")
public class Times {

	private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	public String format(Instant instant) {
		return (instant == null) ? "—" : FORMAT.format(instant);
	}

}
