package dev.spool.tools;

import java.util.Set;
import java.util.function.Function;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import dev.spool.agent.WaitingTool;
import dev.spool.workspace.TaskId;

/** One of Spool's tools whose call waits for tasks to end before it answers, holding no slot meanwhile. */
final class WaitingSpoolTool implements ToolCallback, WaitingTool {

	private final SpoolTool answer;

	private final Function<String, Set<TaskId>> unfinished;

	/**
	 * @param answer what the call answers once it need not wait
	 * @param unfinished the tasks a call with these arguments waits for that have not ended; throws when it cannot
	 * wait
	 */
	WaitingSpoolTool(SpoolTool answer, Function<String, Set<TaskId>> unfinished) {
		this.answer = answer;
		this.unfinished = unfinished;
	}

	@Override
	public Set<TaskId> unfinished(String arguments) {
		return this.unfinished.apply(arguments);
	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.answer.getToolDefinition();
	}

	@Override
	public String call(String input) {
		return this.answer.call(input);
	}

	@Override
	public String call(String input, ToolContext context) {
		return this.answer.call(input, context);
	}

}
