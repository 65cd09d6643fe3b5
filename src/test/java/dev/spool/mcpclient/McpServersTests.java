package dev.spool.mcpclient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.mcpclient.McpServerStatus.State;

import org.springframework.ai.tool.ToolCallback;

import static dev.spool.mcpclient.TestMcpServers.EVERYTHING;
import static dev.spool.mcpclient.TestMcpServers.NEVER_ANSWERS;
import static dev.spool.mcpclient.TestMcpServers.everything;
import static dev.spool.mcpclient.TestMcpServers.neverAnswers;
import static dev.spool.mcpclient.TestMcpServers.processesRunning;
import static dev.spool.mcpclient.TestMcpServers.tool;
import static dev.spool.mcpclient.TestMcpServers.writeMcpJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The workspace's MCP servers run for real: {@code server-everything} from npm over standard input and output, and a
 * server that never answers.
 */
class McpServersTests {

	private static final String ECHO = "{\"message\": \"hello\"}";

	/**
	 * How many times {@link #aServerThatChangesItsToolsAsItStartsStartsEveryTime} starts a server: a few by default,
	 * more to hunt a race ({@code -Dspool.test.mcp-starts=200}).
	 */
	private static final int STARTS = Integer.getInteger("spool.test.mcp-starts", 3);

	@TempDir
	Path workspace;

	McpServers servers;

	@BeforeEach
	void start() {
		this.servers = TestMcpServers.servers(this.workspace, Duration.ofSeconds(30), Duration.ofSeconds(30));
		this.servers.start();
	}

	@AfterEach
	void stop() {
		this.servers.stop();
	}

	@Test
	void aServerStartsAtItsFirstUseAndEchoesThroughItsToolCallback() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		assertThat(this.servers.statuses()).extracting(McpServerStatus::state).containsExactly(State.NOT_STARTED);
		assertThat(processesRunning(EVERYTHING)).as("nothing starts before it is used").isEmpty();

		ServerTools tools = this.servers.tools("everything");

		assertThat(tool(tools, "everything__echo").call(ECHO)).isEqualTo("Echo: hello");
		assertThat(tool(tools, "everything__echo").getToolDefinition().inputSchema()).contains("\"message\"");
		assertThat(this.servers.statuses()).singleElement().satisfies((status) -> {
			assertThat(status.state()).isEqualTo(State.RUNNING);
			assertThat(status.tools()).isEqualTo(tools.tools().size());
		});
		assertThat(processesRunning(EVERYTHING)).as("one server, reused").hasSize(1);
		this.servers.tools("everything");
		assertThat(tool(tools, "everything__echo").call("{\"message\": \"again\"}")).isEqualTo("Echo: again");
		assertThat(processesRunning(EVERYTHING)).hasSize(1);
	}

	/**
	 * server-everything adds tools once it is initialized and says so ({@code notifications/tools/list_changed}), upon
	 * which the SDK's client lists them again from its reader thread while Spool lists them from its own: two senders
	 * at once, which MCP SDK 2.0.0's transport refused now and then ("Failed to enqueue message").
	 */
	@TestFactory
	Stream<DynamicTest> aServerThatChangesItsToolsAsItStartsStartsEveryTime() throws Exception {
		writeMcpJson(this.workspace, Map.of("first", everything(), "second", everything()));
		return IntStream.rangeClosed(1, STARTS).mapToObj((start) -> DynamicTest.dynamicTest("start " + start, () -> {
			this.servers.stop();
			this.servers.start();
			CompletableFuture<ServerTools> second = CompletableFuture.supplyAsync(() -> this.servers.tools("second"));
			assertThat(tool(this.servers.tools("first"), "first__echo").call(ECHO)).isEqualTo("Echo: hello");
			assertThat(tool(second.get(), "second__echo").call(ECHO)).isEqualTo("Echo: hello");
		}));
	}

	@Test
	void twoServersOfferTheirToolsUnderTheirOwnNames() throws Exception {
		writeMcpJson(this.workspace, Map.of("first", everything(), "second", everything()));

		ToolCallback first = tool(this.servers.tools("first"), "first__echo");
		ToolCallback second = tool(this.servers.tools("second"), "second__echo");

		assertThat(first.call("{\"message\": \"one\"}")).isEqualTo("Echo: one");
		assertThat(second.call("{\"message\": \"two\"}")).isEqualTo("Echo: two");
		assertThat(processesRunning(EVERYTHING)).hasSize(2);
	}

	@Test
	void aServerWhoseProgramDoesNotExistOffersNoToolsAndSaysWhy() throws Exception {
		writeMcpJson(this.workspace, Map.of("missing", Map.of("command", "no-such-mcp-server-program"),
				"gone", Map.of("command", "/no/such/program")));

		assertThat(this.servers.tools("missing").problem()).startsWith("MCP server 'missing' did not start: ")
			.contains("'no-such-mcp-server-program' not found on Spool's PATH");
		assertThat(this.servers.tools("gone").problem()).startsWith("MCP server 'gone' did not start: ")
			.contains("'/no/such/program' No such file or directory");
		assertThat(this.servers.tools("unnamed").problem()).startsWith("there is no MCP server named 'unnamed'");
		assertThat(this.servers.statuses()).extracting(McpServerStatus::state)
			.containsExactly(State.FAILED, State.FAILED);
	}

	@Test
	void aServerThatNeverAnswersFailsWithinTheStartTimeoutWhileOthersAnswer() throws Exception {
		this.servers.stop();
		// Long enough for server-everything to start and answer on a loaded machine first.
		this.servers = TestMcpServers.servers(this.workspace, Duration.ofSeconds(10), Duration.ofSeconds(30));
		this.servers.start();
		writeMcpJson(this.workspace, Map.of("silent", neverAnswers(), "everything", everything()));

		CompletableFuture<ServerTools> silent = CompletableFuture.supplyAsync(() -> this.servers.tools("silent"));
		Awaitility.await().until(() -> !processesRunning(NEVER_ANSWERS).isEmpty());
		assertThat(tool(this.servers.tools("everything"), "everything__echo").call(ECHO)).isEqualTo("Echo: hello");
		assertThat(silent).as("still waiting for the silent server").isNotDone();

		assertThat(silent.get().problem()).isEqualTo("MCP server 'silent' did not start: no answer within 10 s "
				+ "(spool.mcp-servers.start-timeout)");
		assertThat(processesRunning(NEVER_ANSWERS)).as("the silent server is ended").isEmpty();
	}

	@Test
	void aCallThatHangsFailsWithinTheCallTimeoutAndTheServerIsStartedAgain() throws Exception {
		this.servers.stop();
		this.servers = TestMcpServers.servers(this.workspace, Duration.ofSeconds(30), Duration.ofSeconds(2));
		this.servers.start();
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		ToolCallback longRunning = tool(this.servers.tools("everything"), "everything__trigger-long-running-operation");
		ToolCallback echo = tool(this.servers.tools("everything"), "everything__echo");
		ProcessHandle first = processesRunning(EVERYTHING).get(0);

		assertThat(longRunning.call("{\"duration\": 60, \"steps\": 1}"))
			.isEqualTo("Error: MCP server 'everything' did not answer within 2 s (spool.mcp-servers.call-timeout); "
					+ "it is started again at its next use");
		assertThat(echo.call(ECHO)).isEqualTo("Echo: hello");
		assertThat(first.isAlive()).as("the hung server is ended").isFalse();
	}

	@Test
	void aServerSlowerToStartThanACallMayTakeStillStartsWithinTheStartTimeout() throws Exception {
		this.servers.stop();
		this.servers = TestMcpServers.servers(this.workspace, Duration.ofSeconds(30), Duration.ofSeconds(1));
		this.servers.start();
		// What Spool sends waits in the pipe while the server takes its time, as an npx server fetching its package.
		writeMcpJson(this.workspace, Map.of("slow", Map.of("command", "sh", "args",
				List.of("-c", "sleep 3; exec node '" + EVERYTHING + "' stdio"))));

		ServerTools tools = this.servers.tools("slow");

		assertThat(tool(tools, "slow__echo").call(ECHO)).isEqualTo("Echo: hello");
	}

		@Test
	void aServerThatExitedBetweenCallsIsStartedAgainAtTheNextCall() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		ToolCallback echo = tool(this.servers.tools("everything"), "everything__echo");
		assertThat(echo.call(ECHO)).isEqualTo("Echo: hello");
		ProcessHandle first = processesRunning(EVERYTHING).get(0);

		first.destroyForcibly();
		Awaitility.await().until(() -> !first.isAlive());
		Awaitility.await().until(() -> this.servers.statuses().get(0).state() == State.EXITED);

		assertThat(echo.call("{\"message\": \"back\"}")).isEqualTo("Echo: back");
		assertThat(processesRunning(EVERYTHING)).singleElement().isNotEqualTo(first);
	}

	@Test
	void aServerChangedInMcpJsonIsStartedAgainAsChangedAndARemovedOneIsStopped() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		ToolCallback echo = tool(this.servers.tools("everything"), "everything__echo");
		assertThat(echo.call(ECHO)).isEqualTo("Echo: hello");
		ProcessHandle first = processesRunning(EVERYTHING).get(0);

		Map<String, Object> changed = new java.util.HashMap<>(everything());
		changed.put("env", Map.of("SPOOL_TEST", "changed"));
		writeMcpJson(this.workspace, Map.of("everything", changed));
		assertThat(echo.call("{\"message\": \"changed\"}")).isEqualTo("Echo: changed");
		assertThat(first.isAlive()).as("the server as it was is stopped").isFalse();
		ProcessHandle second = processesRunning(EVERYTHING).get(0);
		assertThat(environmentOf(second)).contains("SPOOL_TEST=changed");

		writeMcpJson(this.workspace, Map.of());
		Awaitility.await().until(() -> !second.isAlive());
		assertThat(echo.call(ECHO)).startsWith("Error: there is no MCP server named 'everything'");
	}

	@Test
	void aServerGetsNoneOfSpoolsSecrets() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		tool(this.servers.tools("everything"), "everything__echo");

		List<String> environment = environmentOf(processesRunning(EVERYTHING).get(0));

		assertThat(environment).allSatisfy((variable) -> assertThat(variable.substring(0, variable.indexOf('=')))
			.isIn("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"));
	}

	@Test
	void stoppingSpoolEndsEveryServerAndStartingAgainWorks() throws Exception {
		writeMcpJson(this.workspace, Map.of("first", everything(), "second", everything()));
		tool(this.servers.tools("first"), "first__echo");
		ToolCallback echo = tool(this.servers.tools("second"), "second__echo");
		assertThat(processesRunning(EVERYTHING)).hasSize(2);

		this.servers.stop();

		assertThat(processesRunning(EVERYTHING)).isEmpty();
		assertThat(echo.call(ECHO)).startsWith("Error: ").contains("Spool is stopping");
		this.servers.start();
		assertThat(echo.call(ECHO)).isEqualTo("Echo: hello");
	}

	@Test
	void badArgumentsAndUnknownToolsAreErrorsForTheModel() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		ToolCallback echo = tool(this.servers.tools("everything"), "everything__echo");

		assertThat(echo.call("not json")).startsWith("Error: the arguments to everything__echo are not a JSON object");
		assertThat(echo.call("{\"message\": 42}")).startsWith("Error: ");
	}

	private static List<String> environmentOf(ProcessHandle process) throws Exception {
		byte[] environ = java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ"));
		return List.of(new String(environ, java.nio.charset.StandardCharsets.UTF_8).split("\0"));
	}

}
