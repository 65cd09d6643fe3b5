package dev.spool.model;

import java.time.Instant;

/**
 * How a call to the model ended: answered, or failed with a one-line reason.
 * @param at when the call ended
 * @param error why it failed, or {@code null} when it answered
 */
public record ModelOutcome(Instant at, String error) {

	static ModelOutcome success(Instant at) {
		return new ModelOutcome(at, null);
	}

	static ModelOutcome failure(Instant at, String error) {
		return new ModelOutcome(at, error);
	}

	public boolean answered() {
		return this.error == null;
	}

}
