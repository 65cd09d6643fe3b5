package dev.spool.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Tokens one attempt used: what the model reported, or an estimate when the attempt ended before the model said.
 *
 * @param prompt tokens of the prompt
 * @param completion tokens of the answer, as far as it came
 * @param total both together
 * @param estimated true when Spool estimated them (a character count over four, rounded up), because the attempt
 * failed or was cut before the model reported its usage, or the answer came without usage (a command's, a stream
 * from a server that sends none); null when the model reported them
 */
public record TokenUsage(long prompt, long completion, long total,
		@JsonInclude(JsonInclude.Include.NON_NULL) Boolean estimated) {

	/** Tokens as the model reported them. */
	public TokenUsage(long prompt, long completion, long total) {
		this(prompt, completion, total, null);
	}

	/** An estimate from the characters sent and received: a quarter of each, rounded up. */
	public static TokenUsage estimate(long promptChars, long answerChars) {
		long prompt = quarter(promptChars);
		long completion = quarter(answerChars);
		return new TokenUsage(prompt, completion, prompt + completion, true);
	}

	/** Both counts together, say of the turns of one conversation; estimated if either is. Null counts as none. */
	public TokenUsage plus(TokenUsage other) {
		if (other == null) {
			return this;
		}
		boolean guessed = Boolean.TRUE.equals(this.estimated) || Boolean.TRUE.equals(other.estimated);
		return new TokenUsage(this.prompt + other.prompt, this.completion + other.completion,
				this.total + other.total, guessed ? Boolean.TRUE : null);
	}

	private static long quarter(long chars) {
		return (chars + 3) / 4;
	}

}
