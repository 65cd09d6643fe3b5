package dev.spool.tools;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

import dev.spool.agent.KeyedTool;

/**
 * One of Spool's tools as Spring AI calls it: the model's JSON arguments in, text out. Whatever goes wrong, a refusal
 * or a failure inside Spool, comes back as a result the model can read ({@code {"error": "..."}}), never as an
 * exception that would fail the attempt; and no result is longer than {@link #MAX_RESULT_CHARS}.
 */
final class SpoolTool implements ToolCallback, KeyedTool {

	/** The longest result a tool returns; a longer one is cut, with a note saying so. */
	static final int MAX_RESULT_CHARS = 32_000;

	private final ToolDefinition definition;

	private final List<String> arguments;

	private final Work work;

	private final JsonMapper json;

	SpoolTool(String name, String description, String schema, List<String> arguments, Work work, JsonMapper json) {
		this.definition = ToolDefinition.builder().name(name).description(description).inputSchema(schema).build();
		this.arguments = List.copyOf(arguments);
		this.work = work;
		this.json = json;
	}

	/** What a tool does with its arguments: a value written as JSON, or text returned as it is. */
	@FunctionalInterface
	interface Work {

		Object run(ToolArguments arguments) throws Exception;

	}

	@Override
	public ToolDefinition getToolDefinition() {
		return this.definition;
	}

	@Override
	public String call(String input) {
		return call(input, (String) null);
	}

	/** @param callId the model's id for the call, which keys what a submitting tool makes; null for none */
	@Override
	public String call(String input, String callId) {
		String name = this.definition.name();
		String result;
		try {
			Object value = this.work.run(ToolArguments.read(this.json, name, input, this.arguments).calledAs(callId));
			result = (value instanceof String text) ? text : this.json.writeValueAsString(value);
		}
		catch (Exception ex) {
			result = this.json.writeValueAsString(new ToolError(ToolErrors.describe(name, ex)));
		}
		return bounded(result);
	}

	/** Spool's tools need no context from the caller: the attempt they serve is fixed when they are made. */
	@Override
	public String call(String input, ToolContext context) {
		return call(input);
	}

	static String bounded(String result) {
		if (result.length() <= MAX_RESULT_CHARS) {
			return result;
		}
		return Texts.cut(result, MAX_RESULT_CHARS) + "\n[… cut: the result is " + result.length()
				+ " characters; a tool result holds at most " + MAX_RESULT_CHARS + ". Ask for less, such as a smaller "
				+ "limit]";
	}

	/** A refused or failed call, as the model reads it. */
	record ToolError(String error) {
	}

}
