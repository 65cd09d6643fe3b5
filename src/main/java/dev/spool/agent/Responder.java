package dev.spool.agent;

import java.util.function.Consumer;

import dev.spool.workspace.Answer;
import dev.spool.workspace.TaskId;

/**
 * What answers one attempt at a task: a model, or a command Spool runs. The agent loop claims, times, retries and
 * publishes; it knows only this.
 */
interface Responder {

	/**
	 * Answers one attempt, handing each piece of the answer to {@code onPiece} as it is written.
	 * @return the whole answer
	 * @throws AnswerFailedException when the attempt failed, with the reason a person reads
	 * @throws InterruptedException when the attempt was cut short (timed out, cancelled, or Spool stops); whatever it
	 * started has ended by the time this is thrown
	 */
	Answer answer(Request request, Consumer<String> onPiece) throws InterruptedException;

	/** Asks a model, or runs the command, as the agent's definition says. */
	static Responder either(Responder model, Responder command) {
		return (request, onPiece) -> (request.agent().runsCommand() ? command : model).answer(request, onPiece);
	}

	/**
	 * One attempt's question.
	 *
	 * @param task the task attempted
	 * @param agent the agent's definition as it was when the attempt began
	 * @param input the task's prompt, after its dependencies' outputs, as every agent gets it
	 */
	record Request(TaskId task, AgentDefinition agent, String input) {
	}

}
