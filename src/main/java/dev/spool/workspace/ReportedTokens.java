package dev.spool.workspace;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tokens an outside agent reports for its attempt, on a {@code tokens:} line of its result's header or its failure
 * note: {@code tokens: {prompt: 120, completion: 30}}, two whole numbers from 0 to {@link #MAX_COUNT}, in either
 * order, nothing else. Anything else is refused with the reason, which the attempt's record carries as a warning.
 *
 * @param usage what was reported, or null when refused
 * @param refusal why the value was refused, or null when taken
 */
public record ReportedTokens(TokenUsage usage, String refusal) {

	/** More than any one attempt could use; a larger count is a mistake, not a report. */
	public static final long MAX_COUNT = 100_000_000L;

	private static final Pattern SHAPE = Pattern
		.compile("\\{\\s*([a-z_]+)\\s*:\\s*([0-9]{1,12})\\s*,\\s*([a-z_]+)\\s*:\\s*([0-9]{1,12})\\s*}");

	/** What a {@code tokens:} line's value says. */
	static ReportedTokens parse(String value) {
		Matcher shape = SHAPE.matcher(value);
		if (!shape.matches()) {
			return refused(value, "not {prompt: N, completion: N}");
		}
		Long prompt = null;
		Long completion = null;
		for (int group = 1; group <= 3; group += 2) {
			long count = Long.parseLong(shape.group(group + 1));
			switch (shape.group(group)) {
				case "prompt" -> prompt = (prompt == null) ? count : -1L;
				case "completion" -> completion = (completion == null) ? count : -1L;
				default -> {
					return refused(value, "'" + shape.group(group) + "' is not prompt or completion");
				}
			}
		}
		if (prompt == null || completion == null || prompt < 0 || completion < 0) {
			return refused(value, "not {prompt: N, completion: N}");
		}
		if (prompt > MAX_COUNT || completion > MAX_COUNT) {
			return refused(value, "a count above " + String.format(Locale.ROOT, "%,d", MAX_COUNT)
					+ " is not believable for one attempt");
		}
		return new ReportedTokens(new TokenUsage(prompt, completion, prompt + completion), null);
	}

	private static ReportedTokens refused(String value, String why) {
		String shown = (value.length() > 80) ? value.substring(0, 80) + "…" : value;
		return new ReportedTokens(null, "tokens: '" + shown + "' ignored: " + why);
	}

}
