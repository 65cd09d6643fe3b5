package dev.spool.budget;

import dev.spool.workspace.TokenUsage;

/**
 * Tokens added up over attempts.
 *
 * @param prompt prompt tokens
 * @param completion answer tokens
 * @param total both together
 * @param estimated how many of the total were estimated rather than reported by the model
 */
public record TokenTotals(long prompt, long completion, long total, long estimated) {

	public static final TokenTotals NONE = new TokenTotals(0, 0, 0, 0);

	public TokenTotals plus(TokenUsage usage) {
		if (usage == null) {
			return this;
		}
		return new TokenTotals(this.prompt + usage.prompt(), this.completion + usage.completion(),
				this.total + usage.total(), this.estimated + (Boolean.TRUE.equals(usage.estimated()) ? usage.total() : 0));
	}

	public TokenTotals plus(TokenTotals other) {
		return new TokenTotals(this.prompt + other.prompt, this.completion + other.completion,
				this.total + other.total, this.estimated + other.estimated);
	}

}
