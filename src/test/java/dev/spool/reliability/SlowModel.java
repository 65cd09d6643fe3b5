package dev.spool.reliability;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

import dev.spool.ModelReply;
import dev.spool.ModelStub;

/**
 * The model of the crash tests: a {@link ModelStub} that answers every request after a random pause, so that a process
 * killed at a random moment is often in the middle of a call. Each answer names its request's number and prompt
 * ({@code answer 17 to <prompt>}), so an output can be traced to the one call that produced it, and an output replaced
 * by a later attempt's answer shows. Each Spool process is started with its own model name, which its requests carry
 * and the answers give back, so the stub can tell which process is waiting for an answer ({@link ModelStub#inFlight})
 * and an attempt's record which process made it.
 */
final class SlowModel {

	private SlowModel() {
	}

	static ModelStub start(int minDelayMillis, int maxDelayMillis) {
		return start(minDelayMillis, maxDelayMillis, (number, prompt) -> null);
	}

	/**
	 * A model whose answers a script may choose: given the request's number and prompt, it returns the answer, or null
	 * for the usual {@code answer N to <prompt>}. A scripted answer should carry the number too, to stay unique.
	 */
	static ModelStub start(int minDelayMillis, int maxDelayMillis, BiFunction<Integer, String, String> script) {
		return ModelStub.start().otherwise((request) -> {
			String scripted = script.apply(request.number(), request.prompt());
			String answer = (scripted != null) ? scripted : "answer " + request.number() + " to " + request.prompt();
			int pause = ThreadLocalRandom.current().nextInt(minDelayMillis, maxDelayMillis + 1);
			return ModelReply.text(answer).model(request.model()).after(Duration.ofMillis(pause));
		});
	}

}
