package dev.spool.mcpclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import io.modelcontextprotocol.client.McpSyncClient;
import org.junit.jupiter.api.Test;

import dev.spool.web.TestWorkspaces;

import org.springframework.ai.mcp.SyncMcpToolCallbackProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static dev.spool.mcpclient.TestMcpServers.EVERYTHING;
import static dev.spool.mcpclient.TestMcpServers.everything;
import static dev.spool.mcpclient.TestMcpServers.processesRunning;
import static dev.spool.mcpclient.TestMcpServers.writeMcpJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Spool with an {@code mcp.json}: nothing starts with it, and the agents page says how each server stands. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
class McpServersPageTests {

	private static final Path WORKSPACE = TestWorkspaces.create("mcp-servers");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) throws Exception {
		writeMcpJson(WORKSPACE, Map.of("everything", everything(), "relative", Map.of("command", "bin/server")));
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	ApplicationContext context;

	@LocalServerPort
	int port;

	@Test
	void spoolStartsNoServerAndSpringAisOwnMcpClientStaysOff() {
		assertThat(processesRunning(EVERYTHING)).isEmpty();
		assertThat(this.context.getBeansOfType(McpSyncClient.class)).isEmpty();
		assertThat(this.context.getBeansOfType(SyncMcpToolCallbackProvider.class)).isEmpty();
		assertThat(this.context.getBean(McpServers.class).isRunning()).isTrue();
	}

	@Test
	void aServerReachedByUrlLendsItsToolsOverStreamableHttp() throws Exception {
		Path file = WORKSPACE.resolve("mcp.json");
		String before = Files.readString(file);
		// Spool is an MCP server itself (/mcp): it serves as the server at the other end.
		writeMcpJson(WORKSPACE, Map.of("everything", everything(), "relative", Map.of("command", "bin/server"),
				"self", Map.of("url", "http://127.0.0.1:" + this.port + "/mcp")));
		try {
			ServerTools tools = this.context.getBean(McpServers.class).tools("self");

			assertThat(tools.tools()).extracting((tool) -> tool.getToolDefinition().name())
				.contains("self__submit_task", "self__list_tasks");
			assertThat(TestMcpServers.tool(tools, "self__get_task").call("{\"id\": \"task_999999\"}"))
				.startsWith("Error: the tool get_task of MCP server 'self' failed: ");
		}
		finally {
			Files.writeString(file, before);
		}
	}

	@Test
	void theAgentsPageShowsEachServerAndWhyAFileIsNotUsed() throws Exception {
		this.mvc.perform(get("/agents"))
			.andExpect(status().isOk())
			.andExpect(content().string(allOf(containsString("<h2>MCP servers</h2>"),
					containsString("data-server=\"everything\" data-state=\"not started\""),
					containsString("data-server=\"relative\" data-state=\"refused\""),
					containsString("command: the program &#39;bin/server&#39; is a relative path"),
					not(containsString("No MCP server starts")))));

		Path file = WORKSPACE.resolve("mcp.json");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
		try {
			this.mvc.perform(get("/agents").header("HX-Request", "true"))
				.andExpect(status().isOk())
				.andExpect(content().string(allOf(containsString("<strong>No MCP server starts</strong>"),
						containsString("can be written by its group (rw-rw-r--): not run until &#39;chmod go-w "
								+ file),
						not(containsString("data-server=\"everything\"")))));
		}
		finally {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		}
	}

}
