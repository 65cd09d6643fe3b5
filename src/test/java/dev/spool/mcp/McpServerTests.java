package dev.spool.mcp;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.SpoolApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An MCP client, as an IDE assistant uses it, over the streamable HTTP transport Spool serves: it submits work, waits
 * for it, reads, lists and cancels tasks, and is held to the API's protections.
 */
class McpServerTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	@TempDir
	Path workspace;

	@Test
	void aClientSubmitsATaskWaitsForItsAnswerAndReadsListsAndCancels() throws Exception {
		try (ConfigurableApplicationContext spool = start(); McpSyncClient client = client(spool, null)) {
			assertThat(serverBuilt(spool)).as("the MCP server is built at its first request, not at start").isFalse();
			client.initialize();
			assertThat(serverBuilt(spool)).isTrue();
			assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
				.contains("submit_task", "get_task", "list_tasks", "cancel_task", "wait_task", "submit_goal");

			String prompt = "Describe a lighthouse, " + UUID.randomUUID();
			JsonNode submitted = call(client, "submit_task", Map.of("prompt", prompt, "title", "Lighthouse"));
			String id = submitted.path("id").asString();
			assertThat(id).startsWith("task_");

			JsonNode waited = call(client, "wait_task", Map.of("id", id, "seconds", 60));
			assertThat(waited.path("finished").asBoolean()).isTrue();
			assertThat(waited.path("status").asString()).isEqualTo("done");
			assertThat(waited.path("answer").asString()).contains("Offline model", prompt);
			assertThat(call(client, "get_task", Map.of("id", id)).path("answer").asString())
				.isEqualTo(waited.path("answer").asString());

			JsonNode held = call(client, "submit_task", Map.of("prompt", "Wait for nobody", "agent", "nobody"));
			JsonNode pending = call(client, "list_tasks", Map.of("state", "pending"));
			assertThat(pending.findValuesAsString("id")).contains(held.path("id").asString()).doesNotContain(id);
			assertThat(call(client, "wait_task", Map.of("id", held.path("id").asString(), "seconds", 0))
				.path("finished")
				.asBoolean()).isFalse();
			assertThat(call(client, "cancel_task", Map.of("id", held.path("id").asString())).path("status").asString())
				.isEqualTo("cancelled");

			JsonNode goal = call(client, "submit_goal", Map.of("goal", "Plan a picnic, " + UUID.randomUUID()));
			assertThat(goal.path("id").asString()).startsWith("task_");
		}
	}

	@Test
	void refusedCallsAreToolErrorsThatSayWhyAndWriteNothing() throws Exception {
		try (ConfigurableApplicationContext spool = start(); McpSyncClient client = client(spool, null)) {
			client.initialize();
			McpSchema.CallToolResult notAnId = client
				.callTool(new McpSchema.CallToolRequest("get_task", Map.of("id", "seven")));
			assertThat(notAnId.isError()).isTrue();
			assertThat(text(notAnId)).contains("'seven' is not a task id");
			McpSchema.CallToolResult empty = client
				.callTool(new McpSchema.CallToolRequest("submit_task", Map.of("prompt", "  ")));
			assertThat(empty.isError()).isTrue();
			assertThat(this.workspace.resolve("tasks")).isEmptyDirectory();
		}
	}

	@Test
	void waitsBeyondTheLimitAreRefusedWithAClearErrorUntilOneEnds() throws Exception {
		try (ConfigurableApplicationContext spool = start(); McpSyncClient client = client(spool, null)) {
			client.initialize();
			String id = call(client, "submit_task", Map.of("prompt", "Wait for nobody", "agent", "nobody")).path("id")
				.asString();
			McpTools tools = spool.getBean(McpTools.class);
			List<Thread> waiters = new java.util.ArrayList<>();
			for (int i = 0; i < McpTools.MOST_WAITS; i++) {
				Thread waiter = new Thread(() -> {
					try {
						tools.waitFor(id, java.math.BigInteger.valueOf(120));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				waiter.start();
				waiters.add(waiter);
			}
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> tools.waiting() == McpTools.MOST_WAITS);

			McpSchema.CallToolResult refused = client
				.callTool(new McpSchema.CallToolRequest("wait_task", Map.of("id", id, "seconds", 60)));
			assertThat(refused.isError()).isTrue();
			assertThat(text(refused)).contains("already waiting for " + McpTools.MOST_WAITS, "poll get_task");

			call(client, "cancel_task", Map.of("id", id));
			for (Thread waiter : waiters) {
				waiter.join(30_000);
			}
			assertThat(tools.waiting()).isZero();
			assertThat(call(client, "wait_task", Map.of("id", id, "seconds", 5)).path("finished").asBoolean()).isTrue();
		}
	}

	@Test
	void withATokenTheEndpointNeedsIt() throws Exception {
		try (ConfigurableApplicationContext spool = start("--spool.api-token=s3cret-" + UUID.randomUUID())) {
			try (McpSyncClient stranger = client(spool, "wrong")) {
				assertThatThrownBy(stranger::initialize).isNotNull();
			}
			assertThat(serverBuilt(spool)).as("a refused request builds nothing").isFalse();
			String token = spool.getEnvironment().getProperty("spool.api-token");
			try (McpSyncClient client = client(spool, token)) {
				client.initialize();
				assertThat(client.listTools().tools()).isNotEmpty();
			}
		}
	}

	private ConfigurableApplicationContext start(String... more) {
		List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--spool.workspace=" + this.workspace));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(SpoolApplication.class).run(args.toArray(String[]::new));
	}

	private static boolean serverBuilt(ConfigurableApplicationContext spool) {
		return Arrays.stream(spool.getBeanNamesForType(McpSyncServer.class, true, false))
			.anyMatch(spool.getBeanFactory()::containsSingleton);
	}

	private static McpSyncClient client(ConfigurableApplicationContext spool, String token) {
		int port = ((WebServerApplicationContext) spool).getWebServer().getPort();
		HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
			.builder("http://localhost:" + port)
			.endpoint("/mcp");
		if (token != null) {
			transport.httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
					"Bearer " + token));
		}
		return McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(90)).build();
	}

	private static JsonNode call(McpSyncClient client, String tool, Map<String, Object> arguments) {
		McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, arguments));
		assertThat(result.isError()).as("%s %s: %s", tool, arguments, text(result)).isNotEqualTo(Boolean.TRUE);
		return JSON.readTree(text(result));
	}

	private static String text(McpSchema.CallToolResult result) {
		return ((McpSchema.TextContent) result.content().get(0)).text();
	}

}
