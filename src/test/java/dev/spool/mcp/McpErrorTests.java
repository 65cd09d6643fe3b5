package dev.spool.mcp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.agent.Routing;
import dev.spool.web.TestWorkspaces;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;

/**
 * What an MCP client receives, over HTTP, when a call goes wrong: a tool error of one line that says why, or a
 * JSON-RPC error, and never a stack trace, a Java class name or the message of an exception's cause.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class McpErrorTests {

	private static final Path WORKSPACE = TestWorkspaces.create("mcp-errors");

	private static final JsonMapper JSON = JsonMapper.shared();

	/** A prompt on which routing fails as no Spool code expects, standing in for any bug inside a tool. */
	private static final String EXPLODING = "explode inside Spool";

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@LocalServerPort
	int port;

	@MockitoSpyBean
	Routing routing;

	private final HttpClient http = HttpClient.newHttpClient();

	private String session;

	@BeforeEach
	void initialize() throws Exception {
		HttpResponse<String> initialized = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
				+ "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\","
				+ "\"version\":\"1\"}}}");
		assertThat(initialized.statusCode()).as(initialized.body()).isEqualTo(200);
		this.session = initialized.headers().firstValue("Mcp-Session-Id").orElseThrow();
		post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
	}

	@Test
	void anUnknownTaskIsAOneLineToolError() throws Exception {
		assertToolError("get_task", "{\"id\":\"task_9999\"}", "no task task_9999");
		assertToolError("cancel_task", "{\"id\":\"task_9999\"}", "no task task_9999");
	}

	@Test
	void aMalformedIdIsAOneLineToolError() throws Exception {
		assertToolError("get_task", "{\"id\":\"seven\"}", "'seven' is not a task id (task_ and a number)");
		assertToolError("submit_task", "{\"prompt\":\"Hi\",\"dependsOn\":[\"nope\"]}",
				"'nope' is not a task id (task_ and a number)");
		assertToolError("get_task", "{\"id\":\"seven\\nlines\"}", "'seven lines' is not a task id");
	}

	@Test
	void invalidArgumentsAreOneLineToolErrorsThatNameNoJavaClass() throws Exception {
		// Before: "Conversion from JSON to java.lang.Integer failed", the parser's message and its location.
		assertToolError("list_tasks", "{\"limit\":99999999999}", "limit must be 1 to 200");
		assertToolError("wait_task", "{\"id\":\"task_1\",\"seconds\":99999999999999}", "seconds must be 0 to 300");
		assertToolError("wait_task", "{\"id\":\"task_1\",\"seconds\":-3}", "seconds must be 0 to 300");
		assertToolError("list_tasks", "{\"limit\":\"many\"}", "/limit: string found, integer expected");
		assertToolError("get_task", "{}", "required property 'id' not found");
		assertToolError("submit_task", "{\"prompt\":\"  \"}", "the prompt is missing or empty");
	}

	@Test
	void aFailureInsideSpoolSaysSoInOneLineAndLogsItsStackTrace(CapturedOutput log) throws Exception {
		doThrow(new IllegalStateException("java.lang.NullPointerException: a bug's message",
				new NullPointerException("the cause's message")))
			.when(this.routing)
			.check(argThat((task) -> task != null && EXPLODING.equals(task.prompt())));

		assertToolError("submit_task", "{\"prompt\":\"" + EXPLODING + "\"}",
				"submit_task failed unexpectedly inside Spool; its log says why");
		assertThat(log.getOut()).contains("WARN", "submit_task failed unexpectedly",
				"java.lang.IllegalStateException: java.lang.NullPointerException: a bug's message", "\tat ");
	}

	@Test
	void aWorkspaceThatCannotBeWrittenIsAOneLineToolError() throws Exception {
		Path tasks = WORKSPACE.resolve("tasks");
		Path aside = WORKSPACE.resolve("tasks-aside");
		Files.move(tasks, aside);
		Files.writeString(tasks, "a file where the folder was");
		try {
			// Before: "could not write the task file: /tmp/…/tasks/.task_001_pending.md….tmp: Not a directory; …" and
			// the same path again, from the cause.
			assertToolError("submit_task", "{\"prompt\":\"Hi\"}",
					"submit_task failed: Spool could not read or write its workspace; its log says why");
		}
		finally {
			Files.delete(tasks);
			Files.move(aside, tasks);
		}
	}

	@Test
	void messagesTheTransportRefusesAreJsonRpcErrorsWithoutAStackTrace() throws Exception {
		// Before: the transport's exception written whole, every frame of its stack trace as JSON.
		HttpResponse<String> response = post("{not json");
		assertThat(response.statusCode()).isEqualTo(400);
		assertClean(response.body());
		JsonNode error = JSON.readTree(response.body());
		assertThat(error.path("jsonrpc").asString()).isEqualTo("2.0");
		assertThat(error.path("error").path("code").asInt()).isEqualTo(-32600);
		assertThat(error.path("error").path("message").asString()).isEqualTo("Invalid message format");

		HttpResponse<String> unknown = call("no_such_tool", "{}");
		assertClean(unknown.body());
		assertThat(message(unknown).path("error").path("data").asString()).isEqualTo("Tool not found: no_such_tool");
	}

	private void assertToolError(String tool, String arguments, String reason) throws Exception {
		HttpResponse<String> response = call(tool, arguments);
		assertClean(response.body());
		JsonNode result = message(response).path("result");
		assertThat(result.path("isError").asBoolean()).as(response.body()).isTrue();
		String text = result.path("content").path(0).path("text").asString();
		assertThat(text).as(tool + " " + arguments).contains(reason).doesNotContain("\n", "\r");
		assertClean(text);
	}

	private static void assertClean(String body) {
		assertThat(body).doesNotContain("Exception", "\tat ", "java.", "stackTrace");
	}

	/** The one JSON-RPC message of a response, sent as JSON or as a server-sent event. */
	private static JsonNode message(HttpResponse<String> response) {
		String body = response.body();
		String json = body.lines()
			.filter((line) -> line.startsWith("data:"))
			.map((line) -> line.substring(5))
			.findFirst()
			.orElse(body);
		return JSON.readTree(json);
	}

	private HttpResponse<String> call(String tool, String arguments) throws Exception {
		return post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
				+ "\",\"arguments\":" + arguments + "}}");
	}

	private HttpResponse<String> post(String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/mcp"))
			.header("Content-Type", "application/json")
			.header("Accept", "application/json, text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (this.session != null) {
			request.header("Mcp-Session-Id", this.session);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
