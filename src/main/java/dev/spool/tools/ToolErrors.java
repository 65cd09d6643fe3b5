package dev.spool.tools;

import java.io.UncheckedIOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TransitionNotAllowedException;

/**
 * What a tool call that failed tells its caller, in one line: a refusal says what was wrong with the call; an
 * unexpected failure says only that it happened, and its stack trace goes to the log, never to the caller (a model or
 * an MCP client has no use for class names and paths, and should not see them).
 */
public final class ToolErrors {

	private static final Log logger = LogFactory.getLog(ToolErrors.class);

	private ToolErrors() {
	}

	/** The one line a failed call of {@code tool} answers, having logged what the caller is not told. */
	public static String describe(String tool, Exception failure) {
		if (failure instanceof InvalidTaskException || failure instanceof TaskNotFoundException
				|| failure instanceof TransitionNotAllowedException) {
			logger.debug(tool + " refused: " + failure.getMessage(), failure);
			return oneLine(failure.getMessage());
		}
		if (failure instanceof InterruptedException) {
			Thread.currentThread().interrupt();
			logger.debug(tool + " was interrupted", failure);
			return tool + " was interrupted: Spool is stopping; try again once it is back";
		}
		if (failure instanceof UncheckedIOException) {
			logger.warn(tool + " failed: the workspace could not be read or written", failure);
			return tool + " failed: Spool could not read or write its workspace; its log says why";
		}
		logger.warn(tool + " failed unexpectedly", failure);
		return tool + " failed unexpectedly inside Spool; its log says why";
	}

	/** A message on one line: an id or a state a caller sent may hold line breaks. */
	public static String oneLine(String message) {
		return (message != null) ? message.replaceAll("\\R+", " ").strip() : "refused";
	}

}
