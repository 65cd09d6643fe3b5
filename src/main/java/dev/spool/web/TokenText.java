package dev.spool.web;

import java.math.BigDecimal;
import java.util.Locale;

import dev.spool.budget.TokenTotals;
import dev.spool.workspace.TokenUsage;

/** Tokens as the pages show them: "1,200 in, 300 out", "(estimated)" when Spool counted them, and the cost if known. */
final class TokenText {

	private TokenText() {
	}

	static String of(TokenUsage tokens) {
		if (tokens == null) {
			return null;
		}
		return count(tokens.prompt()) + " in, " + count(tokens.completion()) + " out tokens"
				+ (Boolean.TRUE.equals(tokens.estimated()) ? " (estimated)" : "");
	}

	static String of(TokenTotals tokens, BigDecimal costUsd) {
		if (tokens.total() == 0) {
			return null;
		}
		return count(tokens.prompt()) + " in, " + count(tokens.completion()) + " out"
				+ ((tokens.estimated() > 0) ? " (" + count(tokens.estimated()) + " estimated)" : "")
				+ ((costUsd != null) ? ", $" + costUsd.toPlainString() : "");
	}

	static String count(long tokens) {
		return String.format(Locale.ROOT, "%,d", tokens);
	}

}
