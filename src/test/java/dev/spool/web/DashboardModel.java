package dev.spool.web;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;

/**
 * The model the dashboard tests talk to: a {@link ModelStub} whose answers the tests steer through the prompt text:
 * <ul>
 * <li>{@value #FAIL} answers HTTP 500 while {@link #failing()} is set, and a normal answer otherwise, either after
 * {@link #FAIL_DELAY} so that a page opened just before sees the change happen;</li>
 * <li>{@value #XSS} answers with a {@code <script>}, an {@code <img onerror>} and a {@code javascript:} link;</li>
 * <li>{@value #SLOW} answers after {@link #SLOW_DELAY}, so the task is visibly in progress;</li>
 * <li>anything else answers {@value #ANSWER}, streamed a word at a time.</li>
 * </ul>
 */
final class DashboardModel {

	static final String FAIL = "PLEASE FAIL";

	static final String XSS = "XSS";

	static final String SLOW = "SLOW";

	static final Duration SLOW_DELAY = Duration.ofSeconds(3);

	static final Duration FAIL_DELAY = Duration.ofMillis(1500);

	static final String ANSWER = "# Answer\n\nAll **good**.";

	static final String XSS_ANSWER = "# Unsafe\n\nHere: <script>window.pwned=1</script> and "
			+ "<img src=x onerror=\"window.pwned=1\"> and [a link](javascript:window.pwned=1).";

	private final AtomicBoolean failing = new AtomicBoolean(true);

	private final ModelStub stub = ModelStub.start().otherwise(this::answer);

	private DashboardModel() {
	}

	/** Starts the model on a free local port. */
	static DashboardModel start() {
		return new DashboardModel();
	}

	/** The base URL to give {@code spring.ai.openai.base-url}: ends in {@code /v1}. */
	String baseUrl() {
		return this.stub.baseUrl();
	}

	/** Whether {@value #FAIL} prompts get HTTP 500 (the default) or a normal answer. */
	AtomicBoolean failing() {
		return this.failing;
	}

	void stop() {
		this.stub.close();
	}

	private ModelReply answer(ModelRequest request) {
		String prompt = request.prompt();
		String line = prompt.strip().lines().findFirst().orElse("");
		if (prompt.contains(FAIL)) {
			boolean fail = this.failing.get();
			log(line, request.stream(), (fail ? "HTTP 500" : "answer") + " in " + FAIL_DELAY.toMillis() + " ms");
			ModelReply reply = fail ? ModelReply.error(500, "the model crashed on purpose") : words(ANSWER);
			return reply.after(FAIL_DELAY);
		}
		ModelReply reply = words(prompt.contains(XSS) ? XSS_ANSWER : ANSWER);
		if (prompt.contains(SLOW)) {
			log(line, request.stream(), "answer in " + SLOW_DELAY.toMillis() + " ms");
			return reply.after(SLOW_DELAY);
		}
		log(line, request.stream(), "answer");
		return reply;
	}

	private static void log(String prompt, boolean stream, String outcome) {
		System.out.println("[model stub] " + LocalTime.now() + " " + (stream ? "streaming" : "blocking")
				+ " request for \"" + prompt + "\": " + outcome);
	}

	/** The content cut after each space or newline, so a stream sends a word a chunk and the pieces join back. */
	private static ModelReply words(String content) {
		List<String> words = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < content.length(); i++) {
			char c = content.charAt(i);
			if (c == ' ' || c == '\n') {
				words.add(content.substring(start, i + 1));
				start = i + 1;
			}
		}
		if (start < content.length()) {
			words.add(content.substring(start));
		}
		return ModelReply.text(words.toArray(String[]::new));
	}

}
