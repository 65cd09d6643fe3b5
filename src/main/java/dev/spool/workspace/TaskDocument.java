package dev.spool.workspace;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A task file's content: optional YAML front matter, then the prompt as the body.
 *
 * @param title a short title, or null
 * @param agent the only agent that may take the task, or null for any
 * @param priority higher runs first
 * @param dependsOn tasks that must be done before this one starts
 * @param maxAttempts this task's own limit on attempts, or null for the configured one
 * @param createdAt when the task was created, or null when a hand-made file does not say
 * @param retryOf the task this one was made from with changes, or null
 * @param prompt the body
 * @param problem why the front matter could not be read, or null when it could
 */
public record TaskDocument(String title, String agent, int priority, List<TaskId> dependsOn, Integer maxAttempts,
		Instant createdAt, TaskId retryOf, String prompt, String problem) {

	private static final String FENCE = "---";

	public TaskDocument {
		dependsOn = List.copyOf(dependsOn);
	}

	public boolean isReadable() {
		return this.problem == null;
	}

	/** Reads a task file's text; broken front matter gives a document with a {@link #problem()}, never an error. */
	public static TaskDocument parse(String text) {
		String normalized = text.startsWith("\uFEFF") ? text.substring(1) : text;
		normalized = normalized.replace("\r\n", "\n");
		if (!normalized.startsWith(FENCE + "\n")) {
			return new TaskDocument(null, null, 0, List.of(), null, null, null, normalized.strip(), null);
		}
		int end = normalized.indexOf("\n" + FENCE, FENCE.length());
		if (end < 0) {
			return broken(normalized, "front matter has no closing '---' line");
		}
		String yaml = normalized.substring(FENCE.length() + 1, end + 1);
		int bodyStart = normalized.indexOf('\n', end + 1 + FENCE.length());
		String body = (bodyStart < 0) ? "" : normalized.substring(bodyStart + 1);
		try {
			Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
			Map<?, ?> fields = (loaded == null) ? Map.of() : (loaded instanceof Map<?, ?> map) ? map : null;
			if (fields == null) {
				return broken(body, "front matter is not a set of 'key: value' lines");
			}
			return fromFields(fields, body.strip());
		}
		catch (YAMLException | IllegalArgumentException ex) {
			return broken(body, "front matter cannot be read: " + firstLine(ex.getMessage()));
		}
	}

	private static TaskDocument fromFields(Map<?, ?> fields, String body) {
		String agent = text(fields.get("agent"));
		if (agent != null && !AgentNames.isValid(agent)) {
			throw new IllegalArgumentException("agent '" + agent + "' is not a valid agent name");
		}
		return new TaskDocument(text(fields.get("title")), agent, integer(fields.get("priority"), 0),
				ids(fields.get("depends_on")), integerOrNull(fields.get("max_attempts")),
				instant(fields.get("created_at")), idOrNull(fields.get("retry_of")), body, null);
	}

	private static TaskDocument broken(String body, String problem) {
		return new TaskDocument(null, null, 0, List.of(), null, null, null, body.strip(), problem);
	}

	/** The file's text: front matter with only the fields that are set, then the prompt. */
	public String render() {
		StringBuilder out = new StringBuilder(FENCE).append('\n');
		field(out, "title", (this.title != null) ? quote(this.title) : null);
		field(out, "agent", this.agent);
		field(out, "priority", (this.priority != 0) ? String.valueOf(this.priority) : null);
		field(out, "depends_on", this.dependsOn.isEmpty() ? null
				: this.dependsOn.stream().map(TaskId::text).toList().toString());
		field(out, "max_attempts", (this.maxAttempts != null) ? this.maxAttempts.toString() : null);
		field(out, "created_at", (this.createdAt != null) ? quote(this.createdAt.toString()) : null);
		field(out, "retry_of", (this.retryOf != null) ? this.retryOf.text() : null);
		return out.append(FENCE).append("\n\n").append(this.prompt).append('\n').toString();
	}

	private static void field(StringBuilder out, String name, String value) {
		if (value != null) {
			out.append(name).append(": ").append(value).append('\n');
		}
	}

	/** A YAML double-quoted scalar, which is also how JSON writes a string. */
	private static String quote(String value) {
		StringBuilder out = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || c == 0x7f) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"').toString();
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static int integer(Object value, int fallback) {
		Integer parsed = integerOrNull(value);
		return (parsed != null) ? parsed : fallback;
	}

	private static Integer integerOrNull(Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof Integer number) {
			return number;
		}
		try {
			return Integer.valueOf(value.toString().strip());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + value + "' is not a whole number");
		}
	}

	private static Instant instant(Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof Date date) {
			return date.toInstant();
		}
		try {
			return Instant.parse(value.toString().strip());
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("created_at '" + value + "' is not an ISO-8601 instant");
		}
	}

	private static List<TaskId> ids(Object value) {
		if (value == null) {
			return List.of();
		}
		Collection<?> items = (value instanceof Collection<?> list) ? list : List.of(value);
		List<TaskId> ids = new ArrayList<>();
		for (Object item : items) {
			ids.add(idOrNull(item));
		}
		return ids;
	}

	private static TaskId idOrNull(Object value) {
		if (value == null) {
			return null;
		}
		return TaskId.parse(value.toString().strip())
			.orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not a task id"));
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "unknown error";
		}
		int newline = message.indexOf('\n');
		return (newline < 0) ? message : message.substring(0, newline);
	}

}
