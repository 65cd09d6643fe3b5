package dev.spool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import okhttp3.mockwebserver.MockResponse;
import tools.jackson.databind.json.JsonMapper;

/** Answers as an OpenAI-compatible endpoint sends them, for the tests' stubs of one. */
public final class ChatCompletions {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ChatCompletions() {
	}

	/** A streamed answer in one piece, then the finish; with token counts on the last chunk when given. */
	public static MockResponse streamed(String model, String content, Map<String, Integer> usage) {
		Map<String, Object> piece = new LinkedHashMap<>();
		piece.put("index", 0);
		piece.put("delta", Map.of("content", content));
		piece.put("finish_reason", null);
		Map<String, Object> stop = new LinkedHashMap<>();
		stop.put("index", 0);
		stop.put("delta", Map.of());
		stop.put("finish_reason", "stop");
		Map<String, Object> last = completion(model, "chat.completion.chunk", stop);
		if (usage != null) {
			last.put("usage", usage);
		}
		String events = "data: " + JSON.writeValueAsString(completion(model, "chat.completion.chunk", piece)) + "\n\n"
				+ "data: " + JSON.writeValueAsString(last) + "\n\n" + "data: [DONE]\n\n";
		return new MockResponse().setHeader("Content-Type", "text/event-stream").setBody(events);
	}

	/** Token counts as the endpoint reports them. */
	public static Map<String, Integer> usage(int input, int output) {
		return Map.of("prompt_tokens", input, "completion_tokens", output, "total_tokens", input + output);
	}

	public static Map<String, Object> completion(String model, String object, Map<String, Object> choice) {
		Map<String, Object> completion = new LinkedHashMap<>();
		completion.put("id", "x");
		completion.put("object", object);
		completion.put("created", 1);
		completion.put("model", model);
		completion.put("choices", List.of(choice));
		return completion;
	}

}
