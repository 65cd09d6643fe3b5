package dev.spool.agent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One turn of a task's conversation with a model that uses tools, as its file records it: the model's text, if any,
 * and the tool calls it asked for, each with its result once it has one.
 *
 * @param at when the turn was recorded, or null where the file does not say
 * @param text what the model said besides asking for the calls, often empty
 * @param calls the calls asked for, in order
 */
public record ConversationTurn(Instant at, String text, List<ConversationCall> calls) {

	public ConversationTurn {
		calls = List.copyOf(calls);
	}

	/** This turn with the first unanswered call of this id answered. */
	ConversationTurn answered(String id, Instant at, String result) {
		List<ConversationCall> all = new ArrayList<>(this.calls);
		for (int i = 0; i < all.size(); i++) {
			ConversationCall call = all.get(i);
			if (call.id().equals(id) && !call.answered()) {
				all.set(i, new ConversationCall(call.id(), call.name(), call.arguments(), at, result));
				break;
			}
		}
		return new ConversationTurn(this.at, this.text, all);
	}

}
