package dev.spool.mcpclient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.json.JsonMapper;

import dev.spool.program.ProgramPath;
import dev.spool.program.StrictModes;

import org.springframework.ai.tool.ToolCallback;

import static org.assertj.core.api.Assertions.assertThat;

/** MCP servers for tests: the real {@code server-everything} from npm (the build installs it), and one that hangs. */
final class TestMcpServers {

	/** Installed by the build ({@code npm ci} into {@code target/mcp-servers}, see the pom's test-mcp-servers). */
	static final Path EVERYTHING = Path
		.of("target/mcp-servers/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
		.toAbsolutePath();

	/** Reads what it is sent and never answers, not even {@code initialize}. */
	static final Path NEVER_ANSWERS = Path.of("src/test/mcp-servers/never-answers.js").toAbsolutePath();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private TestMcpServers() {
	}

	/** {@code server-everything} over standard input and output, as its README runs it. */
	static Map<String, Object> everything() {
		assertThat(EVERYTHING).as("server-everything, which the build installs with npm ci").exists();
		return Map.of("command", "node", "args", List.of(EVERYTHING.toString(), "stdio"));
	}

	static Map<String, Object> neverAnswers() {
		return Map.of("command", "node", "args", List.of(NEVER_ANSWERS.toString()));
	}

	/** Writes {@code mcp.json} naming these servers, as a person would: a new file, then renamed into place. */
	static void writeMcpJson(Path workspace, Map<String, Object> servers) throws IOException {
		Path temporary = workspace.resolve(".mcp.json.tmp");
		Files.writeString(temporary, JSON.writeValueAsString(Map.of("mcpServers", servers)));
		Files.move(temporary, workspace.resolve("mcp.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
	}

	static McpServers servers(Path workspace, Duration startTimeout, Duration callTimeout) {
		McpServersProperties settings = new McpServersProperties(startTimeout, callTimeout, Duration.ofSeconds(2),
				Duration.ofMillis(200));
		ProgramPath path = ProgramPath.ofThisProcess();
		McpJsonFile file = new McpJsonFile(workspace.resolve("mcp.json"), StrictModes.ofThisProcess(), path);
		return new McpServers(file, workspace, path, settings);
	}

	static ToolCallback tool(ServerTools tools, String name) {
		assertThat(tools.problem()).as("why %s offers no tools", tools.server()).isNull();
		return tools.tools()
			.stream()
			.filter((tool) -> tool.getToolDefinition().name().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError(name + " is not among " + tools.tools()
				.stream()
				.map((tool) -> tool.getToolDefinition().name())
				.collect(Collectors.joining(", "))));
	}

	/** This JVM's descendants whose command line names a file: the servers' processes, found as {@code ps} would. */
	static List<ProcessHandle> processesRunning(Path script) {
		return ProcessHandle.current()
			.descendants()
			.filter(ProcessHandle::isAlive)
			.filter((process) -> process.info().arguments().map((args) -> List.of(args).contains(script.toString()))
				.orElse(false))
			.toList();
	}

}
