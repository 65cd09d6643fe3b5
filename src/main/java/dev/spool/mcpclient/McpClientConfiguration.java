package dev.spool.mcpclient;

import dev.spool.program.ProgramPath;
import dev.spool.program.StrictModes;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workspace's MCP servers. Spring AI's MCP client starter, which would start servers named in
 * {@code spring.ai.mcp.client.*} with the application, is left out of the build: Spool builds its clients with the MCP
 * SDK from {@code mcp.json} itself, at their first use.
 */
@Configuration(proxyBeanMethods = false)
class McpClientConfiguration {

	@Bean
	McpServers mcpServers(WorkspaceLayout layout, McpServersProperties settings) {
		ProgramPath path = ProgramPath.ofThisProcess();
		McpJsonFile file = new McpJsonFile(layout.mcpServers(), StrictModes.ofThisProcess(), path);
		return new McpServers(file, layout.root(), path, settings);
	}

}
