package dev.spool;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.ChatClient.ChatClientRequestSpec;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;

import dev.spool.ModelRequest.Message;
import dev.spool.ModelStub.ToolCall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The model stub speaks the chat completions API well enough for Spring AI's own OpenAI chat model, built on the
 * official SDK, to read it: text answers with their token counts, and tool calls, whole and streamed, answered by a
 * tool and sent back as {@code role: tool} messages.
 */
class ModelStubTests {

	private static final Duration PATIENCE = Duration.ofSeconds(20);

	private final ModelStub model = ModelStub.start();

	private final List<String> citiesLookedUp = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.model.close();
	}

	@ParameterizedTest(name = "streamed: {0}")
	@ValueSource(booleans = { false, true })
	void aTextAnswerArrivesWholeWithItsTokenCounts(boolean streamed) {
		this.model.reply(ModelReply.text("The capital ", "of France ", "is Paris.").usage(21, 7).model("m-2025-01-31"));

		ChatResponse response = call(chatModel(), new Prompt("What is the capital of France?"), streamed);

		assertThat(response.getResult().getOutput().getText()).isEqualTo("The capital of France is Paris.");
		assertThat(response.getMetadata().getModel()).isEqualTo("m-2025-01-31");
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(21);
		assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(7);
		ModelRequest request = this.model.takeRequest();
		assertThat(request.path()).isEqualTo("/v1/chat/completions");
		assertThat(request.headers().get("Authorization")).isEqualTo("Bearer test-key");
		assertThat(request.stream()).isEqualTo(streamed);
		assertThat(request.prompt()).isEqualTo("What is the capital of France?");
	}

	@ParameterizedTest(name = "streamed: {0}")
	@ValueSource(booleans = { false, true })
	void toolCallsAreReadRunAndAnsweredWithOneToolMessageEach(boolean streamed) {
		this.model.reply(ModelReply.toolCalls(ToolCall.of("weather", "{\"city\": \"Paris\"}"),
				ToolCall.of("weather", "{\"city\": \"Oslo\"}")))
			.reply((request) -> ModelReply.text("Paris is " + request.messagesFrom("tool").get(0).text() + ", Oslo is "
					+ request.messagesFrom("tool").get(1).text() + "."));

		// Spring AI 2 runs tools in ChatClient's ToolCallingAdvisor, no longer inside the chat model.
		ChatClientRequestSpec question = ChatClient.create(chatModel())
			.prompt("What is the weather in Paris and Oslo?")
			.tools(weather());
		String answer = streamed ? String.join("", question.stream().content().collectList().block(PATIENCE))
				: question.call().content();

		assertThat(this.citiesLookedUp).containsExactly("Paris", "Oslo");
		assertThat(answer).isEqualTo("Paris is \"sunny in Paris\", Oslo is "
				+ "\"sunny in Oslo\".");
		assertThat(this.model.requests()).hasSize(2);
		ModelRequest first = this.model.takeRequest();
		assertThat(first.tools()).containsExactly("weather");
		assertThat(first.messages()).extracting(Message::role).containsExactly("user");
		ModelRequest second = this.model.takeRequest();
		assertThat(second.messages()).extracting(Message::role).containsExactly("user", "assistant", "tool", "tool");
		assertThat(second.messages().get(1).toolCalls()).containsExactly(
				new ToolCall("call_1_0", "weather", "{\"city\": \"Paris\"}"),
				new ToolCall("call_1_1", "weather", "{\"city\": \"Oslo\"}"));
		assertThat(second.messagesFrom("tool")).extracting(Message::toolCallId, Message::text)
			.containsExactly(tuple("call_1_0", "\"sunny in Paris\""),
					tuple("call_1_1", "\"sunny in Oslo\""));
	}

	@ParameterizedTest(name = "streamed: {0}")
	@ValueSource(booleans = { false, true })
	void aCallOfAnUnknownToolWithArgumentsThatAreNotJsonReachesTheClientAsSent(boolean streamed) {
		this.model.reply(ModelReply.toolCalls(ToolCall.of("no_such_tool", "{\"city\": Paris")));

		List<ChatResponse> responses = streamed
				? chatModel().stream(new Prompt("Break it.")).collectList().block(PATIENCE)
				: List.of(chatModel().call(new Prompt("Break it.")));

		assertThat(responses.stream()
			.filter((response) -> response.getResult() != null)
			.flatMap((response) -> response.getResult().getOutput().getToolCalls().stream())).singleElement()
			.satisfies((call) -> {
				assertThat(call.id()).isEqualTo("call_1_0");
				assertThat(call.name()).isEqualTo("no_such_tool");
				assertThat(call.arguments()).isEqualTo("{\"city\": Paris");
			});
	}

	@Test
	void everyAnswerDiffersAndNamesItsPromptUntilScriptedOtherwise() {
		this.model.when((request) -> request.prompt().contains("FAIL"), ModelReply.text("failing on purpose"));
		OpenAiChatModel chat = chatModel();

		List<String> answers = List.of("One", "One", "FAIL now", "Two")
			.stream()
			.map((prompt) -> chat.call(new Prompt(prompt)).getResult().getOutput().getText())
			.toList();

		assertThat(answers).containsExactly("answer 1 to One", "answer 2 to One", "failing on purpose",
				"answer 4 to Two");
		assertThat(this.model.answersTo("One")).containsExactly("answer 1 to One", "answer 2 to One");
		assertThat(this.model.prompts()).containsExactly("One", "One", "FAIL now", "Two");
	}

	private OpenAiChatModel chatModel() {
		OpenAiChatOptions options = OpenAiChatOptions.builder()
			.baseUrl(this.model.baseUrl())
			.apiKey("test-key")
			.model("m")
			.maxRetries(0)
			.timeout(PATIENCE)
			.build();
		return OpenAiChatModel.builder().options(options).build();
	}

	private ToolCallback weather() {
		return FunctionToolCallback.builder("weather", (City city) -> {
			this.citiesLookedUp.add(city.city());
			return "sunny in " + city.city();
		}).description("The weather in a city").inputType(City.class).build();
	}

	private static ChatResponse call(OpenAiChatModel chat, Prompt prompt, boolean streamed) {
		if (!streamed) {
			return chat.call(prompt);
		}
		List<ChatResponse> pieces = chat.stream(prompt).collectList().block(PATIENCE);
		String text = pieces.stream()
			.map((piece) -> (piece.getResult() != null) ? piece.getResult().getOutput().getText() : null)
			.filter(Objects::nonNull)
			.reduce("", String::concat);
		ChatResponse last = pieces.get(pieces.size() - 1);
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text))), last.getMetadata());
	}

	record City(String city) {
	}

}
