package dev.spool.mcpclient;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.ProblemText;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.mcp.McpToolUtils;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * One MCP tool as Spring AI's tool calling takes it, named {@code <server>__<tool>}. It calls whichever copy of its
 * server runs at the time of the call (started again if it exited), and never throws: a failure, of the server or the
 * tool, is the call's answer, starting with {@code "Error: "}, for the model to read and handle.
 */
final class McpToolCallback implements ToolCallback {

	/** The longest function name OpenAI's API accepts. */
	static final int MAX_NAME = 64;

	private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9_-]");

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final McpServers servers;

	private final String server;

	private final Tool tool;

	private final ToolDefinition definition;

	McpToolCallback(McpServers servers, String server, Tool tool) {
		this.servers = servers;
		this.server = server;
		this.tool = tool;
		this.definition = McpToolUtils.createToolDefinition(name(server, tool.name()), tool);
	}

	/** {@code <server>__<tool>}, with what models do not accept in a name replaced by '_', at most 64 characters. */
	static String name(String server, String tool) {
		String name = NOT_ALLOWED.matcher(server + "__" + tool).replaceAll("_");
		return (name.length() > MAX_NAME) ? name.substring(0, MAX_NAME) : name;
	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.definition;
	}

	@Override
	public String call(String arguments) {
		Map<String, Object> parsed;
		try {
			parsed = (arguments == null || arguments.isBlank()) ? Map.of()
					: MAPPER.readValue(arguments, new TypeReference<Map<String, Object>>() {
					});
		}
		catch (JacksonException ex) {
			return error("the arguments to " + this.definition.name() + " are not a JSON object: "
					+ ProblemText.oneLine(ex.getOriginalMessage()));
		}
		return this.servers.call(this.server, this.tool, (parsed != null) ? parsed : Map.of());
	}

	@Override
	public String call(String arguments, ToolContext context) {
		return call(arguments);
	}

	static CallToolRequest request(Tool tool, Map<String, Object> arguments) {
		return CallToolRequest.builder(tool.name()).arguments(arguments).build();
	}

	/** The tool's answer as text: its text parts, each other part as JSON; an error result as an error. */
	static String answer(ServerSlot slot, Tool tool, CallToolResult result) {
		String text = text(result.content());
		if (Boolean.TRUE.equals(result.isError())) {
			return error("the tool " + tool.name() + " of " + slot.named() + " failed: " + text);
		}
		return text;
	}

	private static String text(List<Content> content) {
		if (content == null) {
			return "";
		}
		return content.stream().map((part) -> (part instanceof TextContent text) ? text.text() : json(part))
			.collect(Collectors.joining("\n"));
	}

	private static String json(Content part) {
		try {
			return McpJsonDefaults.getMapper().writeValueAsString(part);
		}
		catch (java.io.IOException ex) {
			return "(" + part.type() + " content that could not be written as JSON)";
		}
	}

	static String error(String problem) {
		return "Error: " + problem;
	}

}
