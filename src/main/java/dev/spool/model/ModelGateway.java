package dev.spool.model;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.util.StringUtils;

import dev.spool.workspace.Answer;
import dev.spool.workspace.TokenUsage;

/**
 * Asks the configured model through Spring AI's {@link ChatClient}: the agent's system prompt, the task as the user
 * message, streamed. HTTP-level retries (with backoff, honouring {@code Retry-After}) are the OpenAI SDK's, set by
 * {@code spring.ai.openai.max-retries}; an error that survives them ends the attempt.
 */
public final class ModelGateway {

	private final ChatClient chatClient;

	private final ModelInfo info;

	private final Duration timeout;

	private final Clock clock;

	private final AtomicReference<ModelOutcome> lastOutcome = new AtomicReference<>();

	ModelGateway(ChatClient chatClient, ModelInfo info, Duration timeout, Clock clock) {
		this.chatClient = chatClient;
		this.info = info;
		this.timeout = timeout;
		this.clock = clock;
	}

	public ModelInfo info() {
		return this.info;
	}

	/** How the last call to the model ended, or empty before the first one. */
	public Optional<ModelOutcome> lastOutcome() {
		return Optional.ofNullable(this.lastOutcome.get());
	}

	/**
	 * Streams the answer from the model, handing each piece to {@code onPiece} as it arrives, and returns the whole
	 * answer once the stream ends.
	 */
	public Answer ask(ModelRequest request, Consumer<String> onPiece) {
		AtomicBoolean cutByCaller = new AtomicBoolean();
		return recorded(() -> stream(request, (piece) -> {
			try {
				onPiece.accept(piece);
			}
			catch (RuntimeException ex) {
				cutByCaller.set(true);
				throw ex;
			}
		}), cutByCaller);
	}

	/**
	 * Asks the model once, without streaming, for an answer read whole: a goal's plan, which Spring AI's structured
	 * output converter then reads (the caller adds its format instructions to the prompt).
	 */
	public Answer call(ModelRequest request) {
		return recorded(() -> callWhole(request), new AtomicBoolean());
	}

	/** @param cutByCaller whether the caller itself cut the call short, by refusing a piece of the answer */
	private Answer recorded(Supplier<Answer> call, AtomicBoolean cutByCaller) {
		try {
			Answer answer = call.get();
			this.lastOutcome.set(ModelOutcome.success(this.clock.instant()));
			return answer;
		}
		catch (RuntimeException ex) {
			if (!Thread.currentThread().isInterrupted() && !cutByCaller.get()) {
				// A call cut short by a stop, a cancel, or its caller (a spent budget, a broken pipe) says nothing
				// about the endpoint.
				this.lastOutcome.set(ModelOutcome.failure(this.clock.instant(), ModelErrors.describe(ex)));
			}
			throw ex;
		}
	}

	private Answer stream(ModelRequest request, Consumer<String> onPiece) {
		ChatClient.ChatClientRequestSpec spec = this.chatClient.prompt().options(options(request));
		if (StringUtils.hasText(request.systemPrompt())) {
			spec = spec.system(request.systemPrompt());
		}
		StringBuilder text = new StringBuilder();
		AtomicReference<TokenUsage> tokens = new AtomicReference<>();
		AtomicReference<String> model = new AtomicReference<>(modelName(request));
		AtomicBoolean finished = new AtomicBoolean();
		spec.user(request.userPrompt()).stream().chatResponse().doOnNext((response) -> {
			Generation result = response.getResult();
			if (result != null && result.getMetadata() != null
					&& StringUtils.hasText(result.getMetadata().getFinishReason())) {
				finished.set(true);
			}
			String piece = (result != null && result.getOutput() != null) ? result.getOutput().getText() : null;
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
		if (text.toString().isBlank()) {
			throw new IllegalStateException("the model returned an empty answer");
		}
		if (!finished.get()) {
			// A stream that just stops raises no error; only the missing finish reason tells it was cut off.
			throw new IllegalStateException("the model's answer was cut off (the stream ended without a finish reason)");
		}
		return new Answer(text.toString(), model.get(), this.info.offline(), tokens.get());
	}

	private Answer callWhole(ModelRequest request) {
		ChatClient.ChatClientRequestSpec spec = this.chatClient.prompt().options(options(request));
		if (StringUtils.hasText(request.systemPrompt())) {
			spec = spec.system(request.systemPrompt());
		}
		ChatResponse response = spec.user(request.userPrompt()).call().chatResponse();
		Generation result = (response != null) ? response.getResult() : null;
		String text = (result != null && result.getOutput() != null) ? result.getOutput().getText() : null;
		if (text == null || text.isBlank()) {
			throw new IllegalStateException("the model returned an empty answer");
		}
		String model = (response.getMetadata() != null && StringUtils.hasText(response.getMetadata().getModel()))
				? response.getMetadata().getModel() : modelName(request);
		return new Answer(text, model, this.info.offline(), tokens(response));
	}

	private ChatOptions.Builder<?> options(ModelRequest request) {
		if (this.info.offline()) {
			ChatOptions.Builder<?> builder = ChatOptions.builder().model(modelName(request));
			return (request.temperature() != null) ? builder.temperature(request.temperature()) : builder;
		}
		// Spring AI 2.0.1 ignores spring.ai.openai.timeout (spring-ai#6915); the call's own options carry it.
		OpenAiChatOptions.Builder builder = OpenAiChatOptions.builder().timeout(this.timeout);
		builder.streamUsage(true);
		if (StringUtils.hasText(request.model())) {
			builder.model(request.model());
		}
		if (request.temperature() != null) {
			builder.temperature(request.temperature());
		}
		return builder;
	}

	private String modelName(ModelRequest request) {
		return StringUtils.hasText(request.model()) ? request.model() : this.info.defaultModel();
	}

	private static TokenUsage tokens(ChatResponse response) {
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
