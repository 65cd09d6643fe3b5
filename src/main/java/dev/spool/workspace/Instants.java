package dev.spool.workspace;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads the instants Spool writes ({@code 2026-11-25T10:00:00.123456Z}, as {@link Instant#toString()} gives them)
 * without the general parser, which costs several microseconds each: at start every task file and result header is
 * read, a hundred thousand of each in a large workspace. Anything else is left to {@link Instant#parse}.
 */
final class Instants {

	private Instants() {
	}

	/** The instant, as {@link Instant#parse} reads it. */
	static Instant parse(CharSequence text) {
		Instant instant = utc(text);
		return (instant != null) ? instant : Instant.parse(text);
	}

	/**
	 * The instant when the text is exactly {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of one to nine digits,
	 * and {@code Z}, with every field in range; null otherwise, for the general parser to read or refuse.
	 */
	static Instant utc(CharSequence text) {
		int length = text.length();
		if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
				|| text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 7);
		int day = digits(text, 8, 10);
		int hour = digits(text, 11, 13);
		int minute = digits(text, 14, 16);
		int second = digits(text, 17, 19);
		int nanos = 0;
		if (length > 20) {
			if (text.charAt(19) != '.' || length == 21) {
				return null;
			}
			int fraction = digits(text, 20, length - 1);
			if (fraction < 0) {
				return null;
			}
			nanos = fraction;
			for (int scale = length - 1 - 20; scale < 9; scale++) {
				nanos *= 10;
			}
		}
		if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
			return null;
		}
		try {
			return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	/** The decimal number in {@code [from, to)}, or -1 when a character is not an ASCII digit. */
	private static int digits(CharSequence text, int from, int to) {
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
