package dev.spool.agent;

import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.spool.workspace.Claim;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;

/**
 * What answers one attempt at a task: a model, or a command Spool runs, with the layers features put around it
 * ({@link ResponderLayer}). The agent loop claims, times, retries and publishes; it knows only this.
 */
public interface Responder {

	/**
	 * Answers one attempt, handing each piece of the answer to {@code onPiece} as it is written.
	 * @return how the attempt ended: with an answer, or why not and what the task does next
	 * @throws InterruptedException when the attempt was cut short (timed out, cancelled, or Spool stops); whatever it
	 * started has ended by the time this is thrown
	 */
	Outcome answer(Request request, Consumer<String> onPiece) throws InterruptedException;

	/** Asks a model, or runs the command, as the agent's definition says. */
	static Responder either(Responder model, Responder command) {
		return (request, onPiece) -> (request.agent().runsCommand() ? command : model).answer(request, onPiece);
	}

	/**
	 * One attempt's question.
	 *
	 * @param claim the claim on the task attempted
	 * @param agent the agent's definition as it was when the attempt began
	 * @param input what the agent is given: the task's prompt after its dependencies' outputs, and whatever a layer
	 * adds (a fifo stage's input)
	 * @param spending what the attempt has spent so far, for when it is cut off before it has an outcome
	 */
	record Request(Claim claim, AgentDefinition agent, String input, Spending spending) {

		public TaskId task() {
			return this.claim.id();
		}

		/** The same question with another input. */
		public Request withInput(String input) {
			return new Request(this.claim, this.agent, input, this.spending);
		}

	}

	/**
	 * What one attempt has spent so far, as the layer that meters it says: read when the attempt ends without an
	 * outcome (it timed out) or with an error that knows nothing of tokens. One per attempt, never shared by a slot's
	 * attempts, so that a piece a cut-off stream delivers late counts against its own attempt.
	 */
	final class Spending {

		private volatile Supplier<TokenUsage> soFar = () -> null;

		/** Says where the attempt's spending is counted. */
		public void countedBy(Supplier<TokenUsage> soFar) {
			this.soFar = soFar;
		}

		/** The attempt's tokens so far, or null when nothing counts them. */
		public TokenUsage soFar() {
			return this.soFar.get();
		}

	}

}
