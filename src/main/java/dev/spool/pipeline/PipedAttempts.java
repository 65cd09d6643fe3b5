package dev.spool.pipeline;

import java.util.concurrent.atomic.AtomicReference;

import dev.spool.agent.Outcome;
import dev.spool.agent.Responder;
import dev.spool.agent.ResponderLayer;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.TokenUsage;

/**
 * Fifo pipelines in the agent loop: a stage reads the previous stage's answer from its pipe before it is answered,
 * and streams its own answer into the pipe to the next stage; the pipe is closed and removed before the attempt ends.
 * A broken pipe ends the attempt as such, whatever the responder makes of it; a stage whose writer failed is no fault
 * of the reader's, so its claim goes back uncounted ({@link Outcome.Restart}).
 */
final class PipedAttempts implements ResponderLayer {

	/** Outside the meter: a piece goes down the pipe only once it was counted against the budget. */
	static final int ORDER = 0;

	private final PipeTransport pipes;

	PipedAttempts(PipeTransport pipes) {
		this.pipes = pipes;
	}

	@Override
	public Responder around(Responder inner) {
		return (request, onPiece) -> {
			try (PipeTransport.Sink sink = this.pipes.output(request.claim())) {
				String input;
				try {
					input = this.pipes.input(request.claim(), request.input());
				}
				catch (PipeTransport.PipeException ex) {
					return broken(ex, null);
				}
				AtomicReference<RuntimeException> sinkFailed = new AtomicReference<>();
				Outcome outcome;
				try {
					outcome = inner.answer(request.withInput(input), (piece) -> {
						try {
							sink.accept(piece);
						}
						catch (RuntimeException ex) {
							sinkFailed.set(ex);
							throw ex;
						}
						onPiece.accept(piece);
					});
				}
				catch (RuntimeException ex) {
					if (sinkFailed.get() == null) {
						throw ex;
					}
					return broken(sinkFailed.get(), request.spending().soFar());
				}
				if (sinkFailed.get() != null && !(outcome instanceof Outcome.GaveUp)) {
					return broken(sinkFailed.get(), outcome.tokens());
				}
				if (outcome instanceof Outcome.Answered) {
					sink.finish();
				}
				return outcome;
			}
		};
	}

	private static Outcome broken(RuntimeException ex, TokenUsage tokens) {
		if (ex instanceof PipeTransport.WriterFailedException) {
			return new Outcome.Restart(ex.getMessage());
		}
		return new Outcome.Failed((ex instanceof PipeTransport.PipeException) ? ex.getMessage()
				: "the pipe to the next stage failed: " + ProblemText.describe(ex), null, tokens);
	}

}
