package dev.spool.workspace;

import java.time.Instant;
import java.util.List;

/**
 * One immutable record in a task's history, kept in {@code .spool/attempts/task_001.N.json}.
 *
 * @param number its place in the task's history, from 1
 * @param outcome what happened
 * @param agent the agent that made the attempt, or null for a person's action
 * @param startedAt when the attempt began, or null
 * @param finishedAt when it ended
 * @param error what went wrong, or null
 * @param model the model that answered, or null
 * @param offline whether the built-in offline model answered
 * @param tokens the tokens the model reported, or null
 * @param warnings what the attempt went on without, and why (a tool server its agent lists that did not start), or
 * null when nothing
 * @param by who made a person's decision on an answer in review (a user's name, {@code outside} for a file renamed
 * by hand), or null
 * @param note what the reviewer wrote when rejecting an answer, or null
 * @param review on a {@code DONE} record, true when the answer went to review rather than straight to done; else null
 * @param unpublished on a {@code DONE} record, true when the agent's answer was not published because a result was
 * already in {@code outputs/} (another's, whose header says who finished the task); else null
 */
public record Attempt(int number, Outcome outcome, String agent, Instant startedAt, Instant finishedAt, String error,
		String model, Boolean offline, TokenUsage tokens, List<String> warnings, String by, String note,
		Boolean review, Boolean unpublished) {

	public Attempt {
		// Agent and model names repeat across every record: one copy of each.
		agent = (agent != null) ? agent.intern() : null;
		model = (model != null) ? model.intern() : null;
		warnings = (warnings == null || warnings.isEmpty()) ? null : List.copyOf(warnings);
		review = Boolean.TRUE.equals(review) ? Boolean.TRUE : null;
		unpublished = Boolean.TRUE.equals(unpublished) ? Boolean.TRUE : null;
	}

	/** A record of an attempt or an agent's or the sweepers' doing, with these warnings. */
	public Attempt(int number, Outcome outcome, String agent, Instant startedAt, Instant finishedAt, String error,
			String model, Boolean offline, TokenUsage tokens, List<String> warnings) {
		this(number, outcome, agent, startedAt, finishedAt, error, model, offline, tokens, warnings, null, null, null,
				null);
	}

	/** A person's decision on an answer in review: approved, rejected with a note, or cancelled. */
	static Attempt decision(Outcome outcome, String by, Instant at, String note) {
		return new Attempt(0, outcome, null, null, at, null, null, null, null, null, by, note, null, null);
	}

	/** A record without warnings. */
	public Attempt(int number, Outcome outcome, String agent, Instant startedAt, Instant finishedAt, String error,
			String model, Boolean offline, TokenUsage tokens) {
		this(number, outcome, agent, startedAt, finishedAt, error, model, offline, tokens, null);
	}

	/** What an entry in a task's history records; only some are attempts at the task. */
	public enum Outcome {

		/** The agent's answer was published. */
		DONE,
		/** The model call failed or timed out. */
		ERROR,
		/** The agent's heartbeat went quiet and its claim was taken back. */
		STALE,
		/** A person cancelled the task. */
		CANCELLED,
		/** A person sent a failed or cancelled task back to pending, with a fresh budget of attempts. */
		RETRIED,
		/** A person took a claim back to pending; the attempt under way is not counted. */
		REQUEUED,
		/** A task it depends on failed or was cancelled, so it failed too without being tried. */
		BLOCKED,
		/**
		 * Its claim was handed back to pending because what the attempt waited for failed, not the attempt: a fifo
		 * stage whose writer's attempt broke off mid-stream. Not counted.
		 */
		RESTARTED,
		/**
		 * The orchestrator asked the model for a goal's plan; the record carries what the call used. Not an attempt:
		 * a refused plan's failure is recorded apart, as {@code ERROR}.
		 */
		PLANNED,
		/**
		 * The agent put the task aside to wait for other tasks (its model's {@code wait_task} calls), holding no
		 * slot; the record names them and carries what the attempt used so far. Not an attempt: the agent resumes the
		 * same conversation once they have ended.
		 */
		WAITED,
		/** A person approved the answer in review ({@code by}), and the task is done. */
		APPROVED,
		/**
		 * A person rejected the answer in review ({@code by}, with a {@code note}): the task is pending again, its
		 * next attempt shown the answer and the note, with a fresh budget of attempts, as after a retry.
		 */
		REJECTED,
		/**
		 * The attempt under way was cut short: its claim was taken from it (a person cancelled or requeued the task,
		 * or it was taken back) or Spool stopped under it. Written by the agent once its call has stopped, with what
		 * the attempt used until then, since those tokens were spent either way. Not an attempt: the record that
		 * took the claim says why it ended.
		 */
		CUT_SHORT;

		public boolean isAttempt() {
			return this == DONE || this == ERROR || this == STALE;
		}

	}

	/** Attempts counted against the budget: those since the last time a person retried the task or rejected its answer. */
	public static int attemptsSinceRetry(List<Attempt> history) {
		int count = 0;
		for (Attempt entry : history) {
			if (entry.outcome() == Outcome.RETRIED || entry.outcome() == Outcome.REJECTED) {
				count = 0;
			}
			else if (entry.outcome().isAttempt()) {
				count++;
			}
		}
		return count;
	}

	/** Tokens counted against a task's {@code budget_tokens}: those of its records since it was last retried. */
	public static long tokensSinceRetry(List<Attempt> history) {
		long total = 0;
		for (Attempt entry : history) {
			if (entry.outcome() == Outcome.RETRIED) {
				total = 0;
			}
			else if (entry.tokens() != null) {
				total += entry.tokens().total();
			}
		}
		return total;
	}

	public Attempt withNumber(int newNumber) {
		return new Attempt(newNumber, this.outcome, this.agent, this.startedAt, this.finishedAt, this.error, this.model,
				this.offline, this.tokens, this.warnings, this.by, this.note, this.review, this.unpublished);
	}

	/** The same record with these warnings. */
	public Attempt withWarnings(List<String> newWarnings) {
		return new Attempt(this.number, this.outcome, this.agent, this.startedAt, this.finishedAt, this.error,
				this.model, this.offline, this.tokens, newWarnings, this.by, this.note, this.review, this.unpublished);
	}

	/** The same {@code DONE} record, saying that its answer was not published: another result was in place. */
	Attempt asUnpublished() {
		return new Attempt(this.number, this.outcome, this.agent, this.startedAt, this.finishedAt, this.error,
				this.model, this.offline, this.tokens, this.warnings, this.by, this.note, this.review, Boolean.TRUE);
	}

}
