package dev.spool.budget;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.spool.agent.ClaimCheck;
import dev.spool.agent.Outcome;
import dev.spool.agent.Responder;
import dev.spool.agent.ResponderLayer;
import dev.spool.workspace.Task;

/**
 * Budgets in the agent loop: a slot claims no task whose budget (the workspace's, the agent's or its own) is spent, and
 * every attempt is metered as it streams, cut the moment the task's own budget is crossed, and ends with its tokens:
 * the model's count when it gave one, else an estimate (a command, a server that streams no usage, a failed
 * attempt).
 */
@Component
@Order(MeteredAttempts.ORDER)
final class MeteredAttempts implements ResponderLayer, ClaimCheck {

	/** Inside every layer that passes the answer on (a fifo pipe), so a piece is metered before anything sees it. */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE;

	private final Budgets budgets;

	MeteredAttempts(Budgets budgets) {
		this.budgets = budgets;
	}

	@Override
	public boolean allows(Task task, String agent) {
		return this.budgets.refusal(task, agent).isEmpty();
	}

	@Override
	public Responder around(Responder inner) {
		return (request, onPiece) -> {
			// A command is sent the input only; a model the system prompt too.
			AttemptMeter meter = this.budgets.meter(request.task(),
					request.agent().runsCommand() ? null : request.agent().systemPrompt(), request.input());
			request.spending().countedBy(meter::estimate);
			Outcome outcome;
			try {
				// The meter is this attempt's own: a piece a cut-off stream delivers late counts against the attempt
				// that asked for it, never against the slot's next one.
				outcome = inner.answer(request, (piece) -> {
					meter.streamed(piece);
					onPiece.accept(piece);
				});
			}
			catch (RuntimeException ex) {
				if (meter.overBudget()) {
					return new Outcome.GaveUp(meter.reason(), meter.estimate());
				}
				throw ex;
			}
			if (meter.overBudget()) {
				return new Outcome.GaveUp(meter.reason(), meter.estimate());
			}
			return (outcome instanceof Outcome.Answered answered)
					? answered.withTokens(meter.estimate(answered.answer().text())) : outcome.withTokens(meter.estimate());
		};
	}

}
