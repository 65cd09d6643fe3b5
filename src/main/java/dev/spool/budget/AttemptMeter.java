package dev.spool.budget;

import java.util.concurrent.atomic.AtomicLong;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;

/**
 * Counts what one attempt has sent and received, to estimate its tokens should it end before the model reports them,
 * and stops it the moment the task's own budget is crossed.
 */
final class AttemptMeter {

	private final TaskId task;

	private final long spentBefore;

	private final Long budget;

	private final long promptChars;

	private final AtomicLong answerChars = new AtomicLong();

	private volatile boolean overBudget;

	AttemptMeter(TaskId task, long spentBefore, Long budget, long promptChars) {
		this.task = task;
		this.spentBefore = spentBefore;
		this.budget = budget;
		this.promptChars = promptChars;
	}

	/**
	 * Counts a streamed piece of the answer.
	 * @throws BudgetSpentException when the task's attempts together have now used more than its budget
	 */
	public void streamed(String piece) {
		long chars = this.answerChars.addAndGet(piece.length());
		if (this.budget != null && this.spentBefore + TokenUsage.estimate(this.promptChars, chars).total() > this.budget) {
			this.overBudget = true;
			throw new BudgetSpentException(reason());
		}
	}

	/** Whether the attempt was stopped for crossing the task's budget. */
	public boolean overBudget() {
		return this.overBudget;
	}

	/** The attempt's tokens as estimated from the characters sent and received so far. */
	public TokenUsage estimate() {
		return TokenUsage.estimate(this.promptChars, this.answerChars.get());
	}

	/**
	 * The attempt's tokens estimated from the characters sent and the whole answer received: for an answer the model
	 * (or command) gave without reporting its usage.
	 */
	public TokenUsage estimate(String answer) {
		return TokenUsage.estimate(this.promptChars, answer.length());
	}

	/** The reason the task fails with once it crossed its budget. */
	public String reason() {
		return "budget: " + this.task + " used more than its " + Budgets.tokens(this.budget)
				+ " tokens (budget_tokens) while its answer streamed; "
				+ Budgets.tokens(this.spentBefore + estimate().total()) + " by estimate";
	}

}
