package dev.spool.mcp;

import java.io.UncheckedIOException;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.stereotype.Component;

/**
 * What an MCP tool call answers: its result as JSON text, or a tool error of one line that says why. A refusal says
 * what was wrong with the call; an unexpected failure says only that it happened, and its stack trace goes to the log:
 * the MCP library would otherwise send the exception's message and its cause's, class names and paths included.
 */
@Component
class ToolAnswers {

	private static final Log logger = LogFactory.getLog(ToolAnswers.class);

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
		catch (InvalidTaskException | TaskNotFoundException | TransitionNotAllowedException ex) {
			logger.debug(tool + " refused: " + ex.getMessage(), ex);
			return error(oneLine(ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.debug(tool + " was interrupted", ex);
			return error(tool + " was interrupted: Spool is stopping; try again once it is back");
		}
		catch (UncheckedIOException ex) {
			logger.warn(tool + " failed: the workspace could not be read or written", ex);
			return error(tool + " failed: Spool could not read or write its workspace; its log says why");
		}
		catch (Exception ex) {
			logger.warn(tool + " failed unexpectedly", ex);
			return error(tool + " failed unexpectedly inside Spool; its log says why");
		}
		return CallToolResult.builder().addTextContent(this.json.writeValueAsString(result)).build();
	}

	private static CallToolResult error(String reason) {
		return CallToolResult.builder().isError(true).addTextContent(reason).build();
	}

	/** A message on one line: an id or a state a client sent may hold line breaks. */
	static String oneLine(String message) {
		return (message != null) ? message.replaceAll("\\R+", " ").strip() : "refused";
	}

}
