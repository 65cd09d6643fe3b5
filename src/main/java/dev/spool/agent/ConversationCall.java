package dev.spool.agent;

import java.time.Instant;

/**
 * A tool call a model asked for in a task's conversation, and its result once recorded. A call without a result is
 * running, or was cut off (a crash, a timeout) and runs again when the conversation resumes.
 *
 * @param id the call's id, as the model gave it
 * @param name the tool's name
 * @param arguments the arguments as the model wrote them (JSON text, valid or not)
 * @param answeredAt when its result was recorded, or null (no result, or the file does not say)
 * @param result what the tool answered (an {@code {"error": ...}} included), or null until it has
 */
public record ConversationCall(String id, String name, String arguments, Instant answeredAt, String result) {

	/** Whether the call has its result. */
	public boolean answered() {
		return this.result != null;
	}

}
