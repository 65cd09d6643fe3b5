package dev.spool.mcpclient;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@code mcp.json} as Claude Desktop writes it, and what is wrong with the ways it can be written wrong. */
class McpJsonTests {

	@Test
	void readsProgramsAndUrlsInTheMcpServersForm() {
		McpJson.Parsed parsed = McpJson.parse("""
				{"mcpServers": {
				  "everything": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"],
				                 "env": {"LOG": "1"}},
				  "remote": {"type": "http", "url": "http://127.0.0.1:9000/mcp",
				             "headers": {"Authorization": "Bearer t"}}
				}}""");

		assertThat(parsed.problems()).isEmpty();
		assertThat(parsed.servers()).containsOnlyKeys("everything", "remote");
		assertThat(parsed.servers().get("everything")).isEqualTo(new McpServerSpec("everything", "npx",
				List.of("-y", "@modelcontextprotocol/server-everything"), Map.of("LOG", "1"), null, Map.of()));
		assertThat(parsed.servers().get("remote").url()).isEqualTo(URI.create("http://127.0.0.1:9000/mcp"));
		assertThat(parsed.servers().get("remote").headers()).isEqualTo(Map.of("Authorization", "Bearer t"));
		assertThat(parsed.servers().get("remote").describe()).isEqualTo("http://127.0.0.1:9000/mcp");
	}

	@Test
	void aFileThatIsNotTheMcpServersFormIsRefusedWhole() {
		assertThatIllegalArgumentException().isThrownBy(() -> McpJson.parse("{\"mcpServers\": {"))
			.withMessageStartingWith("is not JSON: ");
		assertThatIllegalArgumentException().isThrownBy(() -> McpJson.parse("[]"))
			.withMessageStartingWith("must be a JSON object");
		assertThatIllegalArgumentException().isThrownBy(() -> McpJson.parse("{\"servers\": {}}"))
			.withMessage("has an unknown field 'servers': the file holds \"mcpServers\" alone");
		assertThatIllegalArgumentException().isThrownBy(() -> McpJson.parse("{\"mcpServers\": []}"))
			.withMessage("needs \"mcpServers\": an object of servers by name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> McpJson.parse("{\"mcpServers\": {\"a\": {\"command\": \"x\"}, \"a\": {}}}"))
			.withMessageContaining("Duplicate Object property \"a\"");
	}

	@Test
	void aWrongServerIsRefusedAloneWithItsReason() {
		McpJson.Parsed parsed = McpJson.parse("""
				{"mcpServers": {
				  "good": {"command": "node"},
				  "Bad Name": {"command": "node"},
				  "spool": {"command": "node"},
				  "a__b": {"command": "node"},
				  "both": {"command": "node", "url": "http://localhost/mcp"},
				  "neither": {},
				  "relative": {"command": "bin/server"},
				  "typo": {"command": "node", "argz": []},
				  "args": {"command": "node", "args": ["ok", 1]},
				  "env": {"command": "node", "env": {"A-B": "x"}},
				  "sse": {"type": "sse", "url": "http://localhost/sse"},
				  "ftp": {"url": "ftp://example.com/"},
				  "header": {"url": "http://localhost/mcp", "headers": {"X-A": "one\\r\\nHost: evil"}}
				}}""");

		assertThat(parsed.servers()).containsOnlyKeys("good");
		assertThat(parsed.problems()).containsOnlyKeys("Bad Name", "spool", "a__b", "both", "neither", "relative",
				"typo", "args", "env", "sse", "ftp", "header");
		assertThat(parsed.problems().get("spool")).contains("not 'spool', which names Spool's own tools");
		assertThat(parsed.problems().get("a__b")).startsWith("is not a valid server name");
		assertThat(parsed.problems().get("both")).isEqualTo("names both a command and a url: a server is one or the "
				+ "other");
		assertThat(parsed.problems().get("neither")).isEqualTo("needs \"command\" (the program to run) or \"url\"");
		assertThat(parsed.problems().get("relative")).startsWith("command: the program 'bin/server' is a relative "
				+ "path");
		assertThat(parsed.problems().get("typo")).startsWith("has an unknown field 'argz'");
		assertThat(parsed.problems().get("args")).isEqualTo("args: item 2 is not a string");
		assertThat(parsed.problems().get("env")).isEqualTo("env: 'A-B' is not the name of an environment variable");
		assertThat(parsed.problems().get("sse")).contains("the older SSE transport is not supported");
		assertThat(parsed.problems().get("header")).isEqualTo("headers: the value of X-A holds a line break");
		assertThat(parsed.problems().get("ftp")).isEqualTo("url: 'ftp://example.com/' is not an http:// or https:// "
				+ "URL");
	}

}
