package dev.spool.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

/**
 * Thousands of random and malformed requests against the API: every answer is 2xx or 4xx, never 5xx, and only the
 * requests answered 201 wrote a task file. {@code -Dspool.fuzz.requests=N} sets how many (default 2,000);
 * {@code -Dspool.fuzz.seed=S} replays a run.
 */
@WebTest
class ApiFuzzTests {

	private static final Path WORKSPACE = TestWorkspaces.create("fuzz");

	private static final String[] PATHS = { "/api/tasks", "/api/tasks/%s", "/api/tasks/%s/output",
			"/api/tasks/%s/retry", "/api/tasks/%s/cancel", "/api/manifest", "/api/agents", "/api/model",
			"/api/tasks/%s/stream", "/api/nothing", "/api/tasks/%s/%s" };

	private static final String[] IDS = { "task_001", "task_1", "task_0", "task_99999999999999999999", "task_-1",
			"..%2F..%2Fetc%2Fpasswd", "%00", "task_001_pending.md", "TASK_001", "task_001;x", "ü", "", "%20",
			"task_" + "9".repeat(40), "task_002%2F..", "null" };

	private static final String[] TYPES = { "application/json", "application/json; charset=utf-8", "text/plain",
			"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
			"application/merge-patch+json", "", "garbage/", "application/json; charset=nonsense" };

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.max-prompt-size", () -> "4KB");
	}

	@Autowired
	MockMvc mvc;

	@Test
	void randomAndMalformedRequestsNeverCauseAServerErrorAndRejectedOnesWriteNothing() throws Exception {
		int requests = Integer.getInteger("spool.fuzz.requests", 2000);
		long seed = Long.getLong("spool.fuzz.seed", System.nanoTime());
		Random random = new Random(seed);
		int created = 0;
		List<String> serverErrors = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			MockHttpServletRequestBuilder builder = randomRequest(random);
			MvcResult result;
			try {
				result = this.mvc.perform(builder).andReturn();
			}
			catch (Exception ex) {
				// An exception that escapes every handler is a 500 in a real server.
				serverErrors.add("exception " + ex);
				continue;
			}
			int status = result.getResponse().getStatus();
			if (status >= 500) {
				serverErrors.add(status + " for " + describe(result));
			}
			if (status == 201) {
				created++;
			}
		}

		assertThat(serverErrors).as("seed %d", seed).isEmpty();
		assertThat(taskFiles()).as("seed %d", seed).isEqualTo(created);
	}

	private MockHttpServletRequestBuilder randomRequest(Random random) {
		HttpMethod method = pick(random, new HttpMethod[] { HttpMethod.GET, HttpMethod.POST, HttpMethod.POST,
				HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS });
		String template = pick(random, PATHS);
		String path = String.format(template, (Object[]) new String[] { pick(random, IDS), pick(random, IDS) });
		MockHttpServletRequestBuilder builder = request(method, java.net.URI.create(safe(path)));
		String type = pick(random, TYPES);
		if (!type.isEmpty()) {
			builder.header("Content-Type", type);
		}
		if (random.nextInt(4) > 0) {
			builder.content(randomBody(random));
		}
		if (random.nextInt(5) == 0) {
			builder.param(pick(random, new String[] { "status", "limit", "offset" }),
					pick(random, new String[] { "done", "x", "-1", "0", "1001", "99999999999", "", "1e3" }));
		}
		if (random.nextInt(10) == 0) {
			builder.header("Accept", pick(random, new String[] { "text/html", "application/xml", "*/*", "x/y" }));
		}
		return builder;
	}

	private static byte[] randomBody(Random random) {
		String prompt = pick(random, new String[] { "\"hello\"", "\"\"", "\"   \"", "null", "42", "[]", "{}",
				"\"" + "x".repeat(5000) + "\"", "\"<script>alert(1)</script>\"", "\"\\u0000\"", "true" });
		String agent = pick(random, new String[] { "\"agent_a\"", "\"../x\"", "\"a_done\"", "null", "5", "\"\"",
				"\"nobody\"", "[\"a\"]" });
		String depends = pick(random, new String[] { "[]", "[\"task_999999\"]", "[\"x\"]", "\"task_001\"", "null",
				"[null]", "[1]" });
		String priority = pick(random, new String[] { "0", "-5", "\"high\"", "1e99", "99999999999", "null", "1.5" });
		return switch (random.nextInt(7)) {
			case 0 -> ("{\"prompt\":" + prompt + "}").getBytes(StandardCharsets.UTF_8);
			case 1 -> ("{\"prompt\":" + prompt + ",\"agent\":" + agent + ",\"dependsOn\":" + depends
					+ ",\"priority\":" + priority + ",\"title\":" + prompt + "}").getBytes(StandardCharsets.UTF_8);
			case 2 -> ("{\"prompt\":" + prompt).getBytes(StandardCharsets.UTF_8);
			case 3 -> "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".repeat(50).getBytes(StandardCharsets.UTF_8);
			case 4 -> {
				byte[] bytes = new byte[random.nextInt(200)];
				random.nextBytes(bytes);
				yield bytes;
			}
			case 5 -> "prompt=hello&agent=agent_a".getBytes(StandardCharsets.UTF_8);
			default -> ("{\"unknown\":1,\"prompt\":" + prompt + ",\"extra\":{\"a\":[1,2,{}]}}")
				.getBytes(StandardCharsets.UTF_8);
		};
	}

	private static String safe(String path) {
		return path.replace(" ", "%20").replace("ü", "%C3%BC");
	}

	private static <T> T pick(Random random, T[] choices) {
		return choices[random.nextInt(choices.length)];
	}

	private static String describe(MvcResult result) {
		return result.getRequest().getMethod() + " " + result.getRequest().getRequestURI() + " "
				+ result.getRequest().getContentType() + ": " + result.getResolvedException();
	}

	private static long taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.count();
		}
	}

}
