package dev.spool.model;

import org.springframework.ai.chat.messages.AssistantMessage;

import dev.spool.workspace.Answer;
import dev.spool.workspace.TokenUsage;

/**
 * What the model said in one turn of a conversation with tools: text, or tool calls for the caller to run.
 *
 * @param message the model's message as Spring AI has it, to send back as part of the conversation
 * @param model the model that answered
 * @param offline whether it was the built-in offline model
 * @param tokens what the turn used, as the model reported it, or null
 */
public record ModelTurn(AssistantMessage message, String model, boolean offline, TokenUsage tokens) {

	/** Whether the model asked for tools to be run rather than answering. */
	public boolean callsTools() {
		return this.message.hasToolCalls();
	}

	/** The turn as a task's answer: its text, with what this turn used. */
	public Answer answer(TokenUsage tokens) {
		return new Answer(this.message.getText(), this.model, this.offline, tokens);
	}

}
