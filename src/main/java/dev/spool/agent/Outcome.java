package dev.spool.agent;

import java.time.Duration;
import java.util.Set;

import dev.spool.workspace.Answer;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;

/** How one attempt at a task ended, and so what the agent loop does with its claim. */
public sealed interface Outcome {

	/** The attempt's tokens as far as they are known, or null. */
	TokenUsage tokens();

	/** The same outcome with these tokens, where it knows none of its own. */
	Outcome withTokens(TokenUsage tokens);

	/** An answer: published as the task's output, and the task is done. */
	record Answered(Answer answer) implements Outcome {

		@Override
		public TokenUsage tokens() {
			return this.answer.tokens();
		}

		@Override
		public Answered withTokens(TokenUsage tokens) {
			return (this.answer.tokens() != null) ? this
					: new Answered(new Answer(this.answer.text(), this.answer.model(), this.answer.offline(), tokens));
		}

	}

	/**
	 * The attempt failed: counted, retried while attempts are left, and the slot pauses before its next task.
	 * @param reason what a person reads in the task's history
	 * @param retryAfter how long whatever answers asked to be left alone (a model endpoint's {@code Retry-After}), or
	 * null
	 */
	record Failed(String reason, Duration retryAfter, TokenUsage tokens) implements Outcome {

		public Failed(String reason) {
			this(reason, null, null);
		}

		@Override
		public Failed withTokens(TokenUsage tokens) {
			return (this.tokens != null) ? this : new Failed(this.reason, this.retryAfter, tokens);
		}

	}

	/** The task failed for good, whatever attempts are left, since no retry would help (its budget is spent). */
	record GaveUp(String reason, TokenUsage tokens) implements Outcome {

		@Override
		public GaveUp withTokens(TokenUsage tokens) {
			return (this.tokens != null) ? this : new GaveUp(this.reason, tokens);
		}

	}

	/**
	 * The model asked to wait for other tasks ({@link WaitingTool}): the task is put aside, holding no slot, and the
	 * same agent resumes its conversation once they have ended. Not an attempt.
	 * @param tasks the tasks it waits for, none of them ended yet
	 */
	record Waiting(Set<TaskId> tasks, TokenUsage tokens) implements Outcome {

		public Waiting {
			tasks = Set.copyOf(tasks);
		}

		@Override
		public Waiting withTokens(TokenUsage tokens) {
			return (this.tokens != null) ? this : new Waiting(this.tasks, tokens);
		}

	}

	/**
	 * The attempt ended through no fault of its own (the fifo stage it read from broke off): the claim goes back to
	 * pending uncounted, and the slot does not pause.
	 */
	record Restart(String reason) implements Outcome {

		@Override
		public TokenUsage tokens() {
			return null;
		}

		@Override
		public Restart withTokens(TokenUsage tokens) {
			return this;
		}

	}

}
