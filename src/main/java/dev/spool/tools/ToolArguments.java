package dev.spool.tools;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.InvalidTaskException;

/**
 * The arguments a model sent to a tool, as the JSON text it sent them in, read strictly: not JSON, not an object, an
 * argument the tool does not take, or a value of the wrong type is refused in words the model can act on.
 */
final class ToolArguments {

	private final JsonNode arguments;

	/** The model's id for the call, or null. */
	private String callId;

	private ToolArguments(JsonNode arguments) {
		this.arguments = arguments;
	}

	/**
	 * Reads the arguments of a call of {@code tool}, which takes those named.
	 * @throws InvalidTaskException if the text is no JSON object, or names an argument the tool does not take
	 */
	/** The same arguments, of the call the model gave this id. */
	ToolArguments calledAs(String id) {
		this.callId = id;
		return this;
	}

	/** The model's id for the call, or empty when the caller gave none (an MCP client). */
	Optional<String> callId() {
		return Optional.ofNullable(this.callId);
	}

	static ToolArguments read(JsonMapper json, String tool, String text, List<String> names) {
		// Some models send nothing at all for a tool that takes no arguments.
		if (text == null || text.isBlank()) {
			return new ToolArguments(json.createObjectNode());
		}
		JsonNode arguments;
		try {
			arguments = json.readTree(text);
		}
		catch (JacksonException ex) {
			throw new InvalidTaskException("the arguments are not valid JSON"
					+ ((ex.getLocation() != null) ? " (line " + ex.getLocation().getLineNr() + ", column "
							+ ex.getLocation().getColumnNr() + ")" : "")
					+ "; send one JSON object, such as " + example(names));
		}
		if (arguments == null || !arguments.isObject()) {
			throw new InvalidTaskException("the arguments must be one JSON object, such as " + example(names));
		}
		Set<String> known = Set.copyOf(names);
		for (String name : arguments.propertyNames()) {
			if (!known.contains(name)) {
				throw new InvalidTaskException("unknown argument '" + ToolErrors.oneLine(shortened(name)) + "': " + tool
						+ " takes " + (names.isEmpty() ? "no arguments" : String.join(", ", names)));
			}
		}
		return new ToolArguments(arguments);
	}

	private static String example(List<String> names) {
		return names.isEmpty() ? "{}" : "{\"" + names.get(0) + "\": ...}";
	}

	/** A text argument, or null when it is missing or null. */
	String text(String name) {
		JsonNode value = this.arguments.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new InvalidTaskException("'" + name + "' must be text, not " + kind(value));
		}
		return value.stringValue();
	}

	/** A text argument that must be given. */
	String requiredText(String name) {
		String value = text(name);
		if (value == null) {
			throw new InvalidTaskException("'" + name + "' is missing");
		}
		return value;
	}

	/** A list of texts, or null when it is missing or null. */
	List<String> texts(String name) {
		JsonNode value = this.arguments.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isArray()) {
			throw new InvalidTaskException("'" + name + "' must be a list of text, not " + kind(value));
		}
		List<String> texts = new ArrayList<>();
		for (JsonNode item : value.values()) {
			if (!item.isString()) {
				throw new InvalidTaskException("'" + name + "' item " + (texts.size() + 1) + " must be text, not "
						+ kind(item));
			}
			texts.add(item.stringValue());
		}
		return texts;
	}

	/** A true-or-false argument, or null when it is missing or null. */
	Boolean bool(String name) {
		JsonNode value = this.arguments.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isBoolean()) {
			throw new InvalidTaskException("'" + name + "' must be true or false, not " + kind(value));
		}
		return value.booleanValue();
	}

	/** A whole number from {@code least} to {@code most}, or {@code otherwise} when it is missing or null. */
	int wholeNumber(String name, int least, int most, int otherwise) {
		JsonNode value = this.arguments.get(name);
		if (value == null || value.isNull()) {
			return otherwise;
		}
		if (!value.isIntegralNumber()) {
			throw new InvalidTaskException("'" + name + "' must be a whole number, not " + kind(value));
		}
		BigInteger number = value.bigIntegerValue();
		if (number.compareTo(BigInteger.valueOf(least)) < 0 || number.compareTo(BigInteger.valueOf(most)) > 0) {
			throw new InvalidTaskException("'" + name + "' must be " + least + " to " + most);
		}
		return number.intValue();
	}

	private static String kind(JsonNode value) {
		return switch (value.getNodeType()) {
			case ARRAY -> "a list";
			case OBJECT, POJO -> "an object";
			case BOOLEAN -> "true or false";
			case NUMBER -> "a number";
			case STRING -> "text";
			default -> "null";
		};
	}

	private static String shortened(String text) {
		return (text.length() > 64) ? text.substring(0, 64) + "…" : text;
	}

}
