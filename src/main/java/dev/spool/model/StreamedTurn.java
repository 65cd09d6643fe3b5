package dev.spool.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.util.StringUtils;

import dev.spool.workspace.TokenUsage;

/**
 * A streamed answer read to its end: its text handed on piece by piece as it arrives, its tool calls whole (Spring AI's
 * OpenAI model merges a call's {@code tool_calls} deltas, by index, into one call before passing it on), and the model
 * and token counts the stream reported, which arrive on its last chunks.
 *
 * @param message the whole assistant message: the text and the tool calls, with the properties the model gave them
 * @param model the model that answered, as the stream named it, else the one asked for
 * @param tokens what the answer used, or null when the stream reported no usage
 */
record StreamedTurn(AssistantMessage message, String model, TokenUsage tokens) {

	/**
	 * Reads the stream to its end, handing each piece of text to {@code onPiece} as it arrives.
	 * @throws IllegalStateException when the answer is empty, or the stream ended without a finish reason
	 */
	static StreamedTurn read(Flux<ChatResponse> responses, String modelAsked, Consumer<String> onPiece) {
		StringBuilder text = new StringBuilder();
		List<AssistantMessage.ToolCall> calls = new ArrayList<>();
		AtomicReference<Map<String, Object>> properties = new AtomicReference<>(Map.of());
		AtomicReference<TokenUsage> tokens = new AtomicReference<>();
		AtomicReference<String> model = new AtomicReference<>(modelAsked);
		AtomicReference<String> finishReason = new AtomicReference<>();
		responses.doOnNext((response) -> {
			Generation result = response.getResult();
			if (result != null && result.getMetadata() != null
					&& StringUtils.hasText(result.getMetadata().getFinishReason())) {
				finishReason.set(result.getMetadata().getFinishReason());
			}
			AssistantMessage output = (result != null) ? result.getOutput() : null;
			if (output != null && output.hasToolCalls()) {
				calls.addAll(output.getToolCalls());
				properties.set(output.getMetadata());
			}
			String piece = (output != null) ? output.getText() : null;
			if (piece != null && !piece.isEmpty()) {
				text.append(piece);
				onPiece.accept(piece);
			}
			TokenUsage usage = tokens(response);
			if (usage != null) {
				tokens.set(usage);
			}
			if (response.getMetadata() != null && StringUtils.hasText(response.getMetadata().getModel())) {
				model.set(response.getMetadata().getModel());
			}
		}).blockLast();
		if (calls.isEmpty() && text.toString().isBlank()) {
			throw new IllegalStateException("the model returned an empty answer");
		}
		if (finishReason.get() == null) {
			// A stream that just stops raises no error; only the missing finish reason tells it was cut off.
			throw new IllegalStateException("the model's answer was cut off (the stream ended without a finish reason)");
		}
		AssistantMessage message = AssistantMessage.builder()
			.content(text.toString())
			.properties(properties.get())
			.toolCalls(calls)
			.build();
		return new StreamedTurn(message, model.get(), tokens.get());
	}

	/** What a response says it used, or null when it says nothing (or nothing but zeros). */
	static TokenUsage tokens(ChatResponse response) {
		Usage usage = (response.getMetadata() != null) ? response.getMetadata().getUsage() : null;
		if (usage == null || usage.getTotalTokens() == null || usage.getTotalTokens() == 0) {
			return null;
		}
		return new TokenUsage(value(usage.getPromptTokens()), value(usage.getCompletionTokens()),
				value(usage.getTotalTokens()));
	}

	private static long value(Integer tokens) {
		return (tokens != null) ? tokens : 0;
	}

}
