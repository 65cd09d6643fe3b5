package dev.spool.agent;

import java.time.Duration;

/** An attempt that ended without an answer, with the reason a person reads in the task's history. */
final class AnswerFailedException extends RuntimeException {

	private final transient Duration retryAfter;

	AnswerFailedException(String reason, Duration retryAfter, Throwable cause) {
		super(reason, cause);
		this.retryAfter = retryAfter;
	}

	AnswerFailedException(String reason) {
		this(reason, null, null);
	}

	String reason() {
		return getMessage();
	}

	/** How long whatever answers asked to be left alone (a model endpoint's {@code Retry-After}), or null. */
	Duration retryAfter() {
		return this.retryAfter;
	}

}
