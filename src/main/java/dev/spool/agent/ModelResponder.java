package dev.spool.agent;

import java.util.function.Consumer;

import dev.spool.model.ModelErrors;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelRequest;

/** Answers with the model the agent names (or the default): its system prompt, the attempt's input, streamed. */
final class ModelResponder implements Responder {

	private final ModelGateway model;

	ModelResponder(ModelGateway model) {
		this.model = model;
	}

	@Override
	public Outcome answer(Request request, Consumer<String> onPiece) {
		AgentDefinition agent = request.agent();
		ModelRequest question = new ModelRequest(agent.systemPrompt(), request.input(), agent.model(),
				agent.temperature());
		try {
			return new Outcome.Answered(this.model.ask(question, onPiece));
		}
		catch (RuntimeException ex) {
			return new Outcome.Failed(ModelErrors.describe(ex), ModelErrors.retryAfter(ex), null);
		}
	}

}
