package dev.spool.mcpclient;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long Spool waits for the workspace's MCP servers.
 * @param startTimeout how long a server has to start and answer MCP's {@code initialize} and {@code tools/list}
 * @param callTimeout how long one tool call may take before it fails (and the server is restarted at its next use)
 * @param stopGrace how long a server's processes get to exit after SIGTERM before they get SIGKILL
 * @param reloadInterval how often {@code mcp.json} is read again to stop the servers it no longer names
 */
@ConfigurationProperties("spool.mcp-servers")
public record McpServersProperties(@DefaultValue("30s") Duration startTimeout, @DefaultValue("60s") Duration callTimeout,
		@DefaultValue("3s") Duration stopGrace, @DefaultValue("2s") Duration reloadInterval) {

	public McpServersProperties {
		positive("start-timeout", startTimeout);
		positive("call-timeout", callTimeout);
		positive("stop-grace", stopGrace);
		positive("reload-interval", reloadInterval);
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("spool.mcp-servers." + name + " must be more than zero, not " + value);
		}
	}

}
