package dev.spool.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.ModelStub;
import dev.spool.ModelReply;
import dev.spool.SpoolApplication;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/prometheus} counts what happened to the tasks, as a person charting Spool would read it, and log
 * lines about a task name the task and its agent.
 */
@ExtendWith(OutputCaptureExtension.class)
class MetricsTests {

	@TempDir
	Path workspace;

	@Test
	void tasksTransitionsPickupAttemptsRetriesAndTokensAreCountedByAgentAndModel(CapturedOutput output)
			throws Exception {
		Files.createDirectories(this.workspace.resolve("agents"));
		Files.writeString(this.workspace.resolve("agents/tester.md"), "---\nconcurrency: 1\n---\nYou are a test.\n");
		try (ModelStub endpoint = ModelStub.start()) {
			endpoint.when((request) -> request.prompt().contains("FAIL"),
					(request) -> ModelReply.error(500, "broken " + request.number()));
			endpoint.otherwise((request) -> ModelReply.text("answer " + request.number() + " " + UUID.randomUUID())
				.usage(10 + request.number(), 5 + request.number())
				.model("metered-0613"));
			try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class).run(
					"--server.port=0", "--spool.workspace=" + this.workspace, "--spring.ai.openai.api-key=test",
					"--spring.ai.openai.base-url=" + endpoint.baseUrl(), "--spring.ai.openai.max-retries=0",
					"--spring.ai.openai.chat.model=metered", "--spool.max-attempts=1", "--spool.retry-backoff=10ms")) {
				TaskStore store = spool.getBean(TaskStore.class);
				TaskId first = done(store, "One, " + UUID.randomUUID(), TaskState.DONE);
				TaskId second = done(store, "Two, " + UUID.randomUUID(), TaskState.DONE);
				TaskId failing = done(store, "FAIL, " + UUID.randomUUID(), TaskState.FAILED);
				store.retry(failing);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> store.index().find(failing).orElseThrow().attempts() == 2
							&& store.index().find(failing).orElseThrow().state() == TaskState.FAILED);

				// The counters follow the files' changes as the events reach them: read until they have caught up.
				long input = tokens(store, first, true) + tokens(store, second, true);
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					String metrics = scrape(spool);
					assertThat(value(metrics, "spool_tasks", "state=\"done\"")).isEqualTo(2);
					assertThat(value(metrics, "spool_tasks", "state=\"failed\"")).isEqualTo(1);
					assertThat(value(metrics, "spool_transitions_total", "from=\"new\",to=\"pending\"")).isEqualTo(3);
					assertThat(value(metrics, "spool_transitions_total", "to=\"done\"")).isEqualTo(2);
					assertThat(value(metrics, "spool_transitions_total", "to=\"failed\"")).isEqualTo(2);
					assertThat(value(metrics, "spool_pickup_latency_seconds_count", "")).as("one per attempt").isEqualTo(4);
					assertThat(value(metrics, "spool_attempt_duration_seconds_count",
							"agent=\"tester\",outcome=\"done\"")).isEqualTo(2);
					assertThat(value(metrics, "spool_attempt_duration_seconds_count",
							"agent=\"tester\",outcome=\"error\"")).isEqualTo(2);
					assertThat(value(metrics, "spool_retries_total", "")).isEqualTo(1);
					assertThat(value(metrics, "spool_tokens_total", "agent=\"tester\",model=\"metered-0613\",type=\"input\""))
						.isEqualTo(input);
					assertThat(metrics).as("Spring AI's own observation of model calls")
						.contains("gen_ai_client_operation_seconds_count");
					assertThat(metrics).as("requests timed once, by Spring MVC, not again filter by filter")
						.contains("http_server_requests_seconds_count")
						.doesNotContain("spring_security_");
				});
			}
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains(" failed task_")))
			.as("the log line of the failed attempt names the task and the agent")
			.isNotEmpty()
			.allSatisfy((line) -> assertThat(line).containsPattern("\\[task_\\d+ tester\\] "));
	}

	private static TaskId done(TaskStore store, String prompt, TaskState end) {
		TaskId id = store.create(NewTask.of(prompt)).id();
		await().atMost(Duration.ofSeconds(30)).until(() -> store.index().find(id).orElseThrow().state() == end);
		return id;
	}

	private static long tokens(TaskStore store, TaskId id, boolean input) {
		var done = store.index().find(id).orElseThrow().lastDone();
		return input ? done.tokens().prompt() : done.tokens().completion();
	}

	/** The value of one series, such as {@code spool_tasks{...,state="done"}}, whatever other tags it has. */
	private static long value(String metrics, String name, String tags) {
		Pattern series = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+]+)$");
		Matcher matcher = series.matcher(metrics);
		double sum = 0;
		boolean found = false;
		while (matcher.find()) {
			String labels = (matcher.group(1) != null) ? matcher.group(1) : "";
			if (labels.contains(tags)) {
				sum += Double.parseDouble(matcher.group(2));
				found = true;
			}
		}
		assertThat(found).as("a series %s{%s} in:\n%s", name, tags, metrics).isTrue();
		return Math.round(sum);
	}

	private static String scrape(ConfigurableApplicationContext spool) throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) spool).getWebServer().getPort();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
