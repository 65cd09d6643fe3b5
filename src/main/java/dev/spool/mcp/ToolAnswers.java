package dev.spool.mcp;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.tools.ToolErrors;

import org.springframework.stereotype.Component;

/**
 * What an MCP tool call answers: its result as JSON text, or a tool error of one line that says why
 * ({@link ToolErrors}): the MCP library would otherwise send the exception's message and its cause's, class names and
 * paths included.
 */
@Component
class ToolAnswers {

	private final JsonMapper json;

	ToolAnswers(JsonMapper json) {
		this.json = json;
	}

	/** A tool's work, which may be refused by throwing. */
	@FunctionalInterface
	interface Work {

		Object run() throws Exception;

	}

	CallToolResult answer(String tool, Work work) {
		Object result;
		try {
			result = work.run();
		}
		catch (Exception ex) {
			return error(ToolErrors.describe(tool, ex));
		}
		return CallToolResult.builder().addTextContent(this.json.writeValueAsString(result)).build();
	}

	private static CallToolResult error(String reason) {
		return CallToolResult.builder().isError(true).addTextContent(reason).build();
	}

}
