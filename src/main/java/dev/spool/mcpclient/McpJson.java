package dev.spool.mcpclient;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.program.ProgramPath;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.ProblemText;

/**
 * The text of {@code mcp.json}, in the {@code mcpServers} form Claude Desktop and Spring AI's MCP client read. A file
 * that is not that form at all is an {@link IllegalArgumentException}; one server that is wrong is a problem of that
 * server alone, and the others still run.
 */
final class McpJson {

	/** Spool's own tools are offered to agents under this name, so no server may take it. */
	static final String RESERVED = "spool";

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final Set<String> STDIO_FIELDS = Set.of("type", "command", "args", "env");

	private static final Set<String> HTTP_FIELDS = Set.of("type", "url");

	private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	/** What the file says: the servers that can be run, and why the others cannot, both by name. */
	record Parsed(Map<String, McpServerSpec> servers, Map<String, String> problems) {
	}

	private McpJson() {
	}

	static Parsed parse(String text) {
		JsonNode root;
		try {
			root = MAPPER.readTree(text);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("is not JSON: " + ProblemText.oneLine(ex.getOriginalMessage()));
		}
		if (root == null || !root.isObject()) {
			throw new IllegalArgumentException("must be a JSON object: {\"mcpServers\": {\"name\": {...}}}");
		}
		for (String field : root.propertyNames()) {
			if (!field.equals("mcpServers")) {
				throw new IllegalArgumentException("has an unknown field " + ProblemText.quoted(field)
						+ ": the file holds \"mcpServers\" alone");
			}
		}
		JsonNode servers = root.get("mcpServers");
		if (servers == null || !servers.isObject()) {
			throw new IllegalArgumentException("needs \"mcpServers\": an object of servers by name");
		}
		Map<String, McpServerSpec> specs = new TreeMap<>();
		Map<String, String> problems = new TreeMap<>();
		for (Map.Entry<String, JsonNode> entry : servers.properties()) {
			String name = entry.getKey();
			try {
				specs.put(name, server(name, entry.getValue()));
			}
			catch (IllegalArgumentException ex) {
				problems.put(name, ex.getMessage());
			}
		}
		return new Parsed(specs, problems);
	}

	/** Whether a server may have this name: an agent's name (it is listed beside them), not {@code spool}, no "__". */
	static boolean isValidName(String name) {
		return AgentNames.isValid(name) && !name.equals(RESERVED) && !name.contains("__");
	}

	private static McpServerSpec server(String name, JsonNode server) {
		if (!isValidName(name)) {
			throw new IllegalArgumentException("is not a valid server name: use lower-case letters, digits, '_' and "
					+ "'-' (at most 63, no '__', no part named after a task state), and not '" + RESERVED
					+ "', which names Spool's own tools");
		}
		if (!server.isObject()) {
			throw new IllegalArgumentException("must be an object with \"command\" (and \"args\", \"env\") or \"url\"");
		}
		String type = text(server, "type");
		boolean http = server.has("url");
		if (type != null && !type.equals("stdio") && !type.equals("http")) {
			throw new IllegalArgumentException("type: " + ProblemText.quoted(type) + " is not supported: \"stdio\" "
					+ "(a program) or \"http\" (streamable HTTP; the older SSE transport is not supported)");
		}
		if (server.has("command") && http) {
			throw new IllegalArgumentException("names both a command and a url: a server is one or the other");
		}
		if ((type != null) && type.equals("http") != http) {
			throw new IllegalArgumentException("type: \"" + type + "\" needs " + (http ? "\"command\"" : "\"url\""));
		}
		Set<String> known = http ? HTTP_FIELDS : STDIO_FIELDS;
		for (String field : server.propertyNames()) {
			if (!known.contains(field)) {
				throw new IllegalArgumentException("has an unknown field " + ProblemText.quoted(field) + ": a "
						+ (http ? "server reached by url takes \"url\"" : "program takes \"command\", \"args\", \"env\""));
			}
		}
		return http ? new McpServerSpec(name, null, List.of(), Map.of(), url(server))
				: new McpServerSpec(name, command(server), args(server), env(server), null);
	}

	private static String command(JsonNode server) {
		String command = text(server, "command");
		if (command == null || command.isBlank()) {
			throw new IllegalArgumentException("needs \"command\" (the program to run) or \"url\"");
		}
		noNul("command", command);
		if (ProgramPath.isRelativePath(command)) {
			throw new IllegalArgumentException("command: " + ProgramPath.relativePathProblem(command));
		}
		return command;
	}

	private static List<String> args(JsonNode server) {
		JsonNode args = server.get("args");
		if (args == null) {
			return List.of();
		}
		if (!args.isArray()) {
			throw new IllegalArgumentException("args: must be a list of strings");
		}
		List<String> list = new ArrayList<>();
		for (JsonNode arg : args.values()) {
			if (!arg.isString()) {
				throw new IllegalArgumentException("args: item " + (list.size() + 1) + " is not a string");
			}
			noNul("args", arg.stringValue());
			list.add(arg.stringValue());
		}
		return list;
	}

	private static Map<String, String> env(JsonNode server) {
		JsonNode env = server.get("env");
		if (env == null) {
			return Map.of();
		}
		if (!env.isObject()) {
			throw new IllegalArgumentException("env: must be an object of variables, {\"NAME\": \"value\"}");
		}
		Map<String, String> variables = new TreeMap<>();
		for (Map.Entry<String, JsonNode> variable : env.properties()) {
			if (!VARIABLE.matcher(variable.getKey()).matches()) {
				throw new IllegalArgumentException("env: " + ProblemText.quoted(variable.getKey())
						+ " is not the name of an environment variable");
			}
			if (!variable.getValue().isString()) {
				throw new IllegalArgumentException("env: the value of " + variable.getKey() + " is not a string");
			}
			noNul("env", variable.getValue().stringValue());
			variables.put(variable.getKey(), variable.getValue().stringValue());
		}
		return variables;
	}

	private static URI url(JsonNode server) {
		String text = text(server, "url");
		try {
			URI url = new URI((text != null) ? text : "");
			if (("http".equals(url.getScheme()) || "https".equals(url.getScheme())) && url.getHost() != null) {
				return url;
			}
		}
		catch (URISyntaxException ex) {
			// Reported below with the rest.
		}
		throw new IllegalArgumentException("url: " + ProblemText.quoted(String.valueOf(text))
				+ " is not an http:// or https:// URL");
	}

	/** A field that must be a string when present; null when absent. */
	private static String text(JsonNode server, String field) {
		JsonNode value = server.get(field);
		if (value == null) {
			return null;
		}
		if (!value.isString()) {
			throw new IllegalArgumentException(field + ": must be a string");
		}
		return value.stringValue();
	}

	private static void noNul(String field, String value) {
		if (value.indexOf('\0') >= 0) {
			throw new IllegalArgumentException(field + ": holds a NUL character");
		}
	}

}
