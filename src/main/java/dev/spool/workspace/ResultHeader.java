package dev.spool.workspace;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Who wrote a result and when, in the front matter at the top of {@code outputs/<id>_result.md} (and of a failure
 * note): {@code agent}, {@code started_at}, {@code finished_at}, and for an outside agent the {@code tokens} its
 * attempt used. The files say who finished a task, so nothing is guessed after a restart. Results written before this
 * existed have none; readers fall back to the history.
 *
 * @param agent the agent whose answer it is, or null
 * @param startedAt when its attempt began, or null
 * @param finishedAt when its answer was complete, or null
 * @param tokens the tokens its attempt used as reported on a {@code tokens:} line (taken or refused), or null
 * @param model the model that answered, on a {@code model:} line (Spool's agents write it), or null
 * @param offline whether the built-in offline model answered ({@code offline: true})
 * @param recorded whether its agent writes the attempt's {@code DONE} record itself ({@code recorded: true}, as
 * Spool's agents do); when not, Spool makes the record from this header
 */
public record ResultHeader(String agent, Instant startedAt, Instant finishedAt, ReportedTokens tokens, String model,
		boolean offline, boolean recorded) {

	private static final String FENCE = "---";

	/** The longest model name a header carries; a longer value is ignored. */
	private static final int MAX_MODEL_LENGTH = 200;

	/** A header with who and when only. */
	public ResultHeader(String agent, Instant startedAt, Instant finishedAt) {
		this(agent, startedAt, finishedAt, null, null, false, false);
	}

	/**
	 * The header of an answer of Spool's own agent: everything its {@code DONE} record holds, so that the record can be
	 * made from the header when it is missing, and {@code recorded: true}.
	 */
	static ResultHeader recorded(String agent, Instant startedAt, Instant finishedAt, String model, boolean offline,
			TokenUsage tokens) {
		return new ResultHeader(agent, startedAt, finishedAt, (tokens != null) ? new ReportedTokens(tokens, null) : null,
				isModelName(model) ? model : null, offline, true);
	}

	/** The header, then the text: what an agent publishes. */
	public String prepend(String text) {
		StringBuilder out = new StringBuilder(FENCE).append('\n');
		if (this.agent != null) {
			out.append("agent: ").append(this.agent).append('\n');
		}
		if (this.startedAt != null) {
			out.append("started_at: ").append(this.startedAt).append('\n');
		}
		if (this.finishedAt != null) {
			out.append("finished_at: ").append(this.finishedAt).append('\n');
		}
		if (this.tokens != null && this.tokens.usage() != null) {
			out.append("tokens: {prompt: ").append(this.tokens.usage().prompt()).append(", completion: ")
				.append(this.tokens.usage().completion()).append("}\n");
		}
		if (this.model != null) {
			out.append("model: ").append(this.model).append('\n');
		}
		if (this.offline) {
			out.append("offline: true\n");
		}
		if (this.recorded) {
			out.append("recorded: true\n");
		}
		return out.append(FENCE).append('\n').append(text).toString();
	}

	/**
	 * Splits a result into its header and its text. A result without a header (an old one, or one whose first line is
	 * not {@code ---}) is all text, with an empty header. Unknown keys are ignored; so are values that do not parse,
	 * except {@code tokens}, whose refusal is kept to be shown.
	 */
	public static Parsed parse(String result) {
		String normalized = result.startsWith("\uFEFF") ? result.substring(1) : result;
		if (!normalized.startsWith(FENCE + "\n") && !normalized.startsWith(FENCE + "\r\n")) {
			return new Parsed(new ResultHeader(null, null, null), result);
		}
		String agent = null;
		Instant started = null;
		Instant finished = null;
		ReportedTokens tokens = null;
		String model = null;
		boolean offline = false;
		boolean recorded = false;
		int at = normalized.indexOf('\n') + 1;
		while (at < normalized.length()) {
			int end = normalized.indexOf('\n', at);
			if (end < 0) {
				break;
			}
			String line = normalized.substring(at, end).strip();
			at = end + 1;
			if (line.equals(FENCE)) {
				return new Parsed(new ResultHeader(agent, started, finished, tokens, model, offline, recorded),
						normalized.substring(at));
			}
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String key = line.substring(0, colon).strip();
			String value = unquote(line.substring(colon + 1).strip());
			switch (key) {
				case "agent" -> agent = AgentNames.isValid(value) ? value : null;
				case "started_at" -> started = instant(value);
				case "finished_at" -> finished = instant(value);
				case "tokens" -> tokens = ReportedTokens.parse(line.substring(colon + 1).strip());
				case "model" -> model = isModelName(value) ? value : null;
				case "offline" -> offline = value.equals("true");
				case "recorded" -> recorded = value.equals("true");
				default -> {
				}
			}
		}
		// No closing fence: not a header after all.
		return new Parsed(new ResultHeader(null, null, null), result);
	}

	/** A model's name as a header line carries it: one line of printable text, not too long to be a name. */
	private static boolean isModelName(String value) {
		return value != null && !value.isEmpty() && value.length() <= MAX_MODEL_LENGTH
				&& value.chars().allMatch((c) -> c >= 0x20 && c != 0x7f) && value.strip().equals(value);
	}

	private static String unquote(String value) {
		if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
				|| value.startsWith("'") && value.endsWith("'"))) {
			return value.substring(1, value.length() - 1);
		}
		return value;
	}

	private static Instant instant(String value) {
		try {
			return Instants.parse(value);
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/** A result split into its header and the text a reader is shown. */
	public record Parsed(ResultHeader header, String text) {
	}

}
