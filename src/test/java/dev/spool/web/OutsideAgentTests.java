package dev.spool.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.manifest.ManifestReader;

/**
 * The workspace as the interface: a shell script that follows the protocol with {@code mv}, a task file dropped in by
 * hand and a claim left by a dead agent all show up correctly, over real HTTP and the event stream.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OutsideAgentTests {

	private static final Path WORKSPACE = TestWorkspaces.create("outside");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration PATIENCE = Duration.ofSeconds(15);

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.stale-after", () -> "1s");
		registry.add("spool.heartbeat-interval", () -> "200ms");
		registry.add("spool.rescan-interval", () -> "500ms");
	}

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aShellAgentDoingTheProtocolWithMvIsReflectedEverywhere() throws Exception {
		List<String> events = subscribeToEvents();
		String routed = create("{\"prompt\":\"Count the files\",\"agent\":\"shellbot\"}");
		String other = create("{\"prompt\":\"Anyone may do this\"}");
		awaitStatus(other, "done");
		assertThat(task(routed).path("status").asString()).as("routed to shellbot, never taken by another agent")
			.isEqualTo("pending");

		shell("ln " + routed + "_pending.md " + routed + "_inprogress_shellbot.md && rm " + routed + "_pending.md");
		awaitStatus(routed, "inprogress");
		assertThat(task(routed).path("owner").asString()).isEqualTo("shellbot");
		// Stage the result with its header, commit by renaming the claim to done, then link the result.
		shell("s=../.spool/staging/" + routed + ".shellbot.$$.md; "
				+ "printf -- '---\\nagent: shellbot\\nstarted_at: 2026-01-02T03:04:05Z\\nfinished_at: 2026-01-02T03:04:07Z"
				+ "\\n---\\n# 42 files\\n' > $s; ln " + routed + "_inprogress_shellbot.md " + routed + "_done.md && rm "
				+ routed + "_inprogress_shellbot.md && ln $s ../outputs/" + routed + "_result.md && rm $s");

		awaitStatus(routed, "done");
		assertThat(task(routed).path("owner").asString()).isEqualTo("shellbot");
		assertThat(get("/api/tasks/" + routed + "/output").body()).isEqualTo("# 42 files\n");
		Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode entry = manifestEntry(routed);
			assertThat(entry.path("status").asString()).isEqualTo("done");
			assertThat(entry.path("owner").asString()).isEqualTo("shellbot");
			assertThat(entry.path("completed_at").asString()).as("from the result's header")
				.isEqualTo("2026-01-02T03:04:07Z");
			assertThat(entry.path("output").asString()).isEqualTo("outputs/" + routed + "_result.md");
		});
		JsonNode shellbot = agent("shellbot");
		assertThat(shellbot.path("defined").asBoolean()).isFalse();
		assertThat(shellbot.path("done").asLong()).isEqualTo(1);
		Awaitility.await().atMost(PATIENCE).untilAsserted(() -> assertThat(String.join("\n", events))
			.contains("\"id\":\"" + routed + "\",\"status\":\"inprogress\"")
			.contains("\"id\":\"" + routed + "\",\"status\":\"done\",\"previous\":\"inprogress\""));
	}

	@Test
	void aTaskFileDroppedInByHandIsDoneAndNewIdsGoAboveIt() throws Exception {
		Files.writeString(WORKSPACE.resolve("tasks/task_500_pending.md"),
				"---\ntitle: By hand\n---\nWrite one line about folders.\n");

		awaitStatus("task_500", "done");
		assertThat(task("task_500").path("title").asString()).isEqualTo("By hand");
		assertThat(get("/api/tasks/task_500/output").body()).contains("Offline model", "folders");
		assertThat(create("{\"prompt\":\"after the hand-made one\"}")).isEqualTo("task_501");
	}

	@Test
	void aClaimLeftByADeadAgentGoesBackToPendingAndThenToDone() throws Exception {
		Files.writeString(WORKSPACE.resolve("tasks/task_700_inprogress_ghost.md"), "Finish what the ghost began.\n");

		awaitStatus("task_700", "done");
		// The rename to done is the commit; the record of the attempt follows it.
		Awaitility.await().atMost(PATIENCE).until(() -> task("task_700").path("history").size() == 2);
		JsonNode task = task("task_700");
		assertThat(task.path("attempts").asInt()).isEqualTo(2);
		assertThat(task.path("owner").asString()).isNotEqualTo("ghost");
		assertThat(task.path("history").get(0).path("outcome").asString()).isEqualTo("STALE");
		assertThat(task.path("history").get(0).path("error").asString()).contains("ghost sent no heartbeat");
	}

	@Test
	void theAnswerStreamOfATaskNobodyIsAnsweringEndsAtOnce() throws Exception {
		String id = create("{\"prompt\":\"held for nobody\",\"agent\":\"nobody\"}");

		HttpResponse<String> stream = this.http.send(
				HttpRequest.newBuilder(uri("/api/tasks/" + id + "/stream")).header("Accept", "text/event-stream").build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(stream.statusCode()).isEqualTo(200);
		assertThat(stream.body()).contains("event:end");
		assertThat(get("/api/tasks/task_99999/stream").statusCode()).isEqualTo(404);
	}

	private List<String> subscribeToEvents() {
		List<String> lines = new CopyOnWriteArrayList<>();
		HttpRequest request = HttpRequest.newBuilder(uri("/api/events")).header("Accept", "text/event-stream").build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
			.thenAccept((response) -> response.body().forEach(lines::add));
		Awaitility.await().atMost(PATIENCE).until(() -> lines.contains(":connected"));
		return lines;
	}

	private void shell(String command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("bash", "-c", "set -e; cd tasks; " + command)
			.directory(WORKSPACE.toFile())
			.redirectErrorStream(true)
			.start();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
	}

	private String create(String body) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri("/api/tasks"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body()).path("id").asString();
	}

	private void awaitStatus(String id, String status) {
		Awaitility.await()
			.atMost(PATIENCE)
			.untilAsserted(() -> assertThat(task(id).path("status").asString()).isEqualTo(status));
	}

	private JsonNode task(String id) throws Exception {
		return JSON.readTree(get("/api/tasks/" + id).body());
	}

	private JsonNode agent(String name) throws Exception {
		for (JsonNode agent : JSON.readTree(get("/api/agents").body())) {
			if (agent.path("name").asString().equals(name)) {
				return agent;
			}
		}
		throw new AssertionError("no agent " + name + " in /api/agents");
	}

	private JsonNode manifestEntry(String id) throws IOException {
		for (JsonNode entry : ManifestReader.read(WORKSPACE).path("tasks")) {
			if (entry.path("id").asString().equals(id)) {
				return entry;
			}
		}
		throw new AssertionError("no " + id + " in manifest.json");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
