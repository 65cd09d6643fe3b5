package dev.spool.model;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.util.StringUtils;

import dev.spool.workspace.Answer;

/**
 * Asks the configured model, Spring AI's {@link ChatModel}: the agent's system prompt, the task as the user message,
 * streamed. HTTP-level retries (with backoff, honouring {@code Retry-After}) are the OpenAI SDK's, set by
 * {@code spring.ai.openai.max-retries}; an error that survives them ends the attempt.
 */
public final class ModelGateway {

	private final ChatModel chatModel;

	private final ModelInfo info;

	private final Duration timeout;

	private final Clock clock;

	private final AtomicReference<ModelOutcome> lastOutcome = new AtomicReference<>();

	ModelGateway(ChatModel chatModel, ModelInfo info, Duration timeout, Clock clock) {
		this.chatModel = chatModel;
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
		return recorded(() -> stream(request, refusable(onPiece, cutByCaller)), cutByCaller);
	}

	/**
	 * Asks the model once, without streaming, for an answer read whole: a goal's plan, which Spring AI's structured
	 * output converter then reads (the caller adds its format instructions to the prompt).
	 */
	public Answer call(ModelRequest request) {
		return recorded(() -> callWhole(request), new AtomicBoolean());
	}

	/** @param cutByCaller whether the caller itself cut the call short, by refusing a piece of the answer */
	private <T> T recorded(Supplier<T> call, AtomicBoolean cutByCaller) {
		try {
			T answer = call.get();
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

	/** The consumer, noting when it refuses a piece: the caller cut the call short (a spent budget, a broken pipe). */
	private static Consumer<String> refusable(Consumer<String> onPiece, AtomicBoolean cutByCaller) {
		return (piece) -> {
			try {
				onPiece.accept(piece);
			}
			catch (RuntimeException ex) {
				cutByCaller.set(true);
				throw ex;
			}
		};
	}

	/**
	 * One turn of a conversation in which the model may use tools, streamed like any answer: each piece of its text
	 * goes to {@code onPiece} as it arrives. The messages so far (after the system prompt, which the request gives) go
	 * to the model with the tools' definitions; it answers with text, or asks for tool calls, which it does not run:
	 * the caller runs them, records them and sends their results in the next turn. Spring AI 2's ChatModel runs no
	 * tools itself (its ChatClient would, out of sight of the files).
	 */
	public ModelTurn turn(ModelRequest request, List<Message> conversation, List<ToolCallback> tools,
			Consumer<String> onPiece) {
		AtomicBoolean cutByCaller = new AtomicBoolean();
		return recorded(() -> streamTurn(request, conversation, tools, refusable(onPiece, cutByCaller)), cutByCaller);
	}

	private ModelTurn streamTurn(ModelRequest request, List<Message> conversation, List<ToolCallback> tools,
			Consumer<String> onPiece) {
		StreamedTurn streamed = StreamedTurn.read(this.chatModel.stream(prompt(request, conversation, tools)),
				modelName(request), onPiece);
		return new ModelTurn(streamed.message(), streamed.model(), this.info.offline(), streamed.tokens());
	}

	private Answer stream(ModelRequest request, Consumer<String> onPiece) {
		StreamedTurn streamed = StreamedTurn.read(this.chatModel.stream(prompt(request, asked(request), List.of())),
				modelName(request), onPiece);
		return new Answer(streamed.message().getText(), streamed.model(), this.info.offline(), streamed.tokens());
	}

	private Answer callWhole(ModelRequest request) {
		ChatResponse response = this.chatModel.call(prompt(request, asked(request), List.of()));
		Generation result = (response != null) ? response.getResult() : null;
		String text = (result != null && result.getOutput() != null) ? result.getOutput().getText() : null;
		if (text == null || text.isBlank()) {
			throw new IllegalStateException("the model returned an empty answer");
		}
		String model = (response.getMetadata() != null && StringUtils.hasText(response.getMetadata().getModel()))
				? response.getMetadata().getModel() : modelName(request);
		return new Answer(text, model, this.info.offline(), StreamedTurn.tokens(response));
	}

	private static List<Message> asked(ModelRequest request) {
		return List.of(new UserMessage(request.userPrompt()));
	}

	/**
	 * The agent's system prompt, then the messages; with the model's own options first, then the call's, so that its
	 * configured model is kept when the agent names none (as Spring AI's ChatClient combines them). The model is asked
	 * directly, not through a ChatClient, whose stream hands each answer to another thread and back for nothing.
	 */
	private Prompt prompt(ModelRequest request, List<Message> conversation, List<ToolCallback> tools) {
		List<Message> messages = new ArrayList<>();
		if (StringUtils.hasText(request.systemPrompt())) {
			messages.add(new SystemMessage(request.systemPrompt()));
		}
		messages.addAll(conversation);
		ChatOptions options = this.info.offline() ? offlineOptions(request)
				: this.chatModel.getOptions()
					.mutate()
					.combineWith(openAiOptions(request).streamUsage(true).toolCallbacks(tools))
					.build();
		return new Prompt(messages, options);
	}

	private ChatOptions offlineOptions(ModelRequest request) {
		ChatOptions.Builder<?> builder = ChatOptions.builder().model(modelName(request));
		return ((request.temperature() != null) ? builder.temperature(request.temperature()) : builder).build();
	}

	private OpenAiChatOptions.Builder openAiOptions(ModelRequest request) {
		// Spring AI 2.0.1 ignores spring.ai.openai.timeout (spring-ai#6915); the call's own options carry it.
		OpenAiChatOptions.Builder builder = OpenAiChatOptions.builder().timeout(this.timeout);
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

}
