package dev.spool.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelStub;
import dev.spool.ModelReply;
import dev.spool.SpoolApplication;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /actuator/health} tells whether the workspace can take work and how the model answered last. */
class HealthTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path workspace;

	@Test
	void aFreshSpoolIsUpWithAWritableWorkspaceAndAnOfflineModelNotYetCalledThenAnswered() throws Exception {
		try (ConfigurableApplicationContext spool = start("--spool.workspace=" + this.workspace)) {
			HttpResponse<String> response = health(spool);
			JsonNode health = JsonMapper.shared().readTree(response.body());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(health.at("/status").asString()).isEqualTo("UP");
			assertThat(health.at("/components/workspace/status").asString()).as(response.body()).isEqualTo("UP");
			assertThat(health.at("/components/workspace/status").asString()).isEqualTo("UP");
			assertThat(health.at("/components/workspace/details/freeBytes").asLong()).isPositive();
			assertThat(health.at("/components/model/details/offline").asBoolean()).isTrue();
			assertThat(health.at("/components/model/details/lastCall").asString()).isEqualTo("none yet");

			TaskStore store = spool.getBean(TaskStore.class);
			TaskId id = store.create(NewTask.of("Say something, " + UUID.randomUUID())).id();
			await().atMost(PATIENCE).until(() -> store.index().find(id).orElseThrow().state() == TaskState.DONE);

			JsonNode after = JsonMapper.shared().readTree(health(spool).body());
			assertThat(after.at("/components/model/details/lastCall").asString()).isEqualTo("answered");
		}
	}

	@Test
	void aNearlyFullFileSystemTakesSpoolDownAndSaysWhy() throws Exception {
		try (ConfigurableApplicationContext spool = start("--spool.workspace=" + this.workspace,
				"--spool.health.min-free-space=100000TB")) {
			HttpResponse<String> response = health(spool);
			JsonNode health = JsonMapper.shared().readTree(response.body());

			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(health.at("/status").asString()).isEqualTo("DOWN");
			assertThat(health.at("/components/workspace/details/problems/0").asString())
				.contains("MB free, below spool.health.min-free-space");
		}
	}

	@Test
	void aFailedModelCallIsReportedWithTheEndpointsReasonWhileSpoolStaysUp() throws Exception {
		try (ModelStub endpoint = ModelStub.start()
			.otherwise((request) -> ModelReply.error(500, "overloaded, call " + request.number()))) {
			try (ConfigurableApplicationContext spool = start("--spool.workspace=" + this.workspace,
					"--spring.ai.openai.api-key=test", "--spring.ai.openai.max-retries=0",
					"--spring.ai.openai.base-url=" + endpoint.baseUrl(), "--spool.max-attempts=1")) {
				TaskStore store = spool.getBean(TaskStore.class);
				TaskId id = store.create(NewTask.of("Fail, " + UUID.randomUUID())).id();
				await().atMost(PATIENCE).until(() -> store.index().find(id).orElseThrow().state() == TaskState.FAILED);

				HttpResponse<String> response = health(spool);
				JsonNode health = JsonMapper.shared().readTree(response.body());
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(health.at("/components/model/status").asString()).isEqualTo("UP");
				assertThat(health.at("/components/model/details/lastCall").asString()).isEqualTo("failed");
				assertThat(health.at("/components/model/details/lastError").asString()).contains("500",
						"overloaded, call " + endpoint.requestCount());
				assertThat(health.at("/components/model/details/baseUrl").asString()).isEqualTo(endpoint.baseUrl());
			}
		}
	}

	private static ConfigurableApplicationContext start(String... args) {
		String[] all = new String[args.length + 1];
		all[0] = "--server.port=0";
		System.arraycopy(args, 0, all, 1, args.length);
		return new SpringApplicationBuilder(SpoolApplication.class).run(all);
	}

	private HttpResponse<String> health(ConfigurableApplicationContext spool) throws IOException, InterruptedException {
		int port = ((WebServerApplicationContext) spool).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
