package dev.spool.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The built-in model that answers when no API key is configured: at once, deterministically, and marked as offline in
 * every answer, so that the whole system runs on a fresh machine. It reads the prompt; it does not understand it.
 */
final class OfflineChatModel implements ChatModel {

	/** The model name reported in answers and on the API. */
	public static final String NAME = "spool-offline";

	static final String MARK = "> **Offline model.** No model API key is configured, so Spool's built-in offline model"
			+ " wrote this, not a language model. Set `spring.ai.openai.api-key` (and `spring.ai.openai.base-url` for"
			+ " Ollama, vLLM or llama.cpp) to use a real one.";

	/** How Spring AI's structured output asks for JSON ({@code BeanOutputConverter#getFormat()}). */
	static final String PLAN_FORMAT = "Your response should be in JSON format.";

	static final int MAX_PLAN_STEPS = 3;

	@Override
	public ChatResponse call(Prompt prompt) {
		String user = prompt.getInstructions()
			.stream()
			.filter((message) -> message.getMessageType() == MessageType.USER)
			.map(Message::getText)
			.collect(Collectors.joining("\n"));
		String answer = answer(user);
		int promptTokens = prompt.getInstructions().stream().mapToInt((message) -> words(message.getText())).sum();
		int completionTokens = words(answer);
		ChatResponseMetadata metadata = ChatResponseMetadata.builder()
			.model(NAME)
			.usage(new DefaultUsage(promptTokens, completionTokens, promptTokens + completionTokens))
			.build();
		return new ChatResponse(List.of(new Generation(new AssistantMessage(answer),
				ChatGenerationMetadata.builder().finishReason("stop").build())), metadata);
	}

	/** Streams the same answer in pieces of a word each; usage comes with the last piece, as OpenAI sends it. */
	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		ChatResponse whole = call(prompt);
		String text = whole.getResult().getOutput().getText();
		List<String> pieces = new ArrayList<>();
		Matcher words = Pattern.compile("\\S+\\s*|\\s+").matcher(text);
		while (words.find()) {
			pieces.add(words.group());
		}
		ChatResponseMetadata last = whole.getMetadata();
		ChatResponseMetadata plain = ChatResponseMetadata.builder().model(NAME).build();
		ChatGenerationMetadata stop = ChatGenerationMetadata.builder().finishReason("stop").build();
		int lastPiece = pieces.size() - 1;
		return Flux.range(0, pieces.size())
			.map((i) -> new ChatResponse(List.of((i == lastPiece)
					? new Generation(new AssistantMessage(pieces.get(i)), stop)
					: new Generation(new AssistantMessage(pieces.get(i)))), (i == lastPiece) ? last : plain));
	}

	static String answer(String prompt) {
		String text = (prompt != null) ? prompt.strip() : "";
		// Goals: a request for a plan's JSON gets a small valid plan, so a goal runs end to end offline.
		int format = text.indexOf(PLAN_FORMAT);
		if (format >= 0 && text.contains("\"steps\"")) {
			return plan(text.substring(0, format));
		}
		String firstLine = text.lines().findFirst().orElse("");
		if (firstLine.length() > 120) {
			firstLine = firstLine.substring(0, 120) + "…";
		}
		List<String> terms = keyTerms(text);
		return MARK + "\n\n**Task:** " + firstLine + "\n\nReceived " + words(text) + " words on "
				+ text.lines().count() + " lines." + (terms.isEmpty() ? "" : " Key terms: " + String.join(", ", terms)
						+ ".")
				+ "\n";
	}

	/**
	 * A deterministic plan for the goal before the format request: one step per sentence, at most
	 * {@value #MAX_PLAN_STEPS}, each on its own.
	 */
	static String plan(String goal) {
		List<String> sentences = Arrays.stream(goal.strip().split("(?<=[.!?])\\s+|\\n+"))
			.map(String::strip)
			.filter((sentence) -> !sentence.isEmpty())
			.limit(MAX_PLAN_STEPS)
			.toList();
		if (sentences.isEmpty()) {
			sentences = List.of("(an empty goal)");
		}
		StringBuilder json = new StringBuilder("{\"steps\": [");
		for (int i = 0; i < sentences.size(); i++) {
			json.append((i > 0) ? ", " : "").append("{\"title\": \"Step ").append(i + 1).append("\", \"prompt\": ");
			quote(json, sentences.get(i));
			json.append(", \"dependsOn\": []}");
		}
		return json.append("]}").toString();
	}

	private static void quote(StringBuilder json, String text) {
		json.append('"');
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

	private static List<String> keyTerms(String text) {
		Map<String, Long> counts = Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
			.filter((word) -> word.length() > 3)
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
				.thenComparing(Map.Entry.comparingByKey()))
			.limit(5)
			.map(Map.Entry::getKey)
			.toList();
	}

	private static int words(String text) {
		return (text == null || text.isBlank()) ? 0 : text.strip().split("\\s+").length;
	}

}
