package dev.spool.mcpclient;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One server as {@code mcp.json} names it: a program Spool runs and speaks to over its standard input and output, or
 * the URL of a server speaking MCP's streamable HTTP.
 * @param command the program (null for a server reached by URL)
 * @param url the endpoint (null for a program)
 * @param headers what every request to the URL carries (an {@code Authorization}, say); never shown
 */
record McpServerSpec(String name, String command, List<String> args, Map<String, String> env, URI url,
		Map<String, String> headers) {

	McpServerSpec {
		args = List.copyOf(args);
		env = Map.copyOf(env);
		headers = Map.copyOf(headers);
	}

	boolean runsProgram() {
		return this.command != null;
	}

	/** The command line, or the URL, as the agents page shows it. */
	String describe() {
		if (!runsProgram()) {
			return this.url.toString();
		}
		return this.args.isEmpty() ? this.command : this.command + " " + String.join(" ", this.args);
	}

}
