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

	private static final Set<String> HTTP_FIELDS = Set.of("type", "url", "headers");

	private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	/** An HTTP header's name: a token (RFC 9110). */
	private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

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
						+ (http ? "server reached by url takes \"url\", \"headers\""
								: "program takes \"command\", \"args\", \"env\""));
			}
		}
		return http ? new McpServerSpec(name, null, List.of(), Map.of(), url(server), strings(server, "headers", HEADER))
				: new McpServerSpec(name, command(server), args(server), strings(server, "env", VARIABLE), null, Map.of());
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

	/** An object of strings by name ({@code env}, {@code headers}), each name matching {@code names}. */
	private static Map<String, String> strings(JsonNode server, String field, Pattern names) {
		JsonNode object = server.get(field);
		if (object == null) {
			return Map.of();
		}
		if (!object.isObject()) {
			throw new IllegalArgumentException(field + ": must be an object of strings, {\"NAME\": \"value\"}");
		}
		Map<String, String> strings = new TreeMap<>();
		for (Map.Entry<String, JsonNode> entry : object.properties()) {
			if (!names.matcher(entry.getKey()).matches()) {
				throw new IllegalArgumentException(field + ": " + ProblemText.quoted(entry.getKey()) + " is not the name "
						+ "of " + (names == VARIABLE ? "an environment variable" : "an HTTP header"));
			}
			if (!entry.getValue().isString()) {
				throw new IllegalArgumentException(field + ": the value of " + entry.getKey() + " is not a string");
			}
			String value = entry.getValue().stringValue();
			noNul(field, value);
			if (names == HEADER && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
				throw new IllegalArgumentException(field + ": the value of " + entry.getKey() + " holds a line break");
			}
			strings.put(entry.getKey(), value);
		}
		return strings;
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
