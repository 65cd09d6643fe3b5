package dev.spool.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.pipeline.Pipelines;

/**
 * A pipeline typed into one text box: stages separated by a line {@code ---}, each optionally starting with lines
 * {@code agent: name}, {@code role: name} or {@code title: text}; the rest of the stage is its prompt. Checking the
 * stages themselves is left to {@link Pipelines#create}, as for the API.
 */
final class PipelineText {

	private static final Pattern SEPARATOR = Pattern.compile("(?m)^[ \\t]*---[ \\t]*\\r?$");

	private static final Pattern HEADER = Pattern.compile("(agent|role|title):[ \\t]*(.*?)[ \\t]*");

	private PipelineText() {
	}

	/**
	 * The stages, in order.
	 * @param text what was typed
	 * @param title the form's title: a stage without its own is called "title, stage k"
	 */
	static List<Pipelines.StageRequest> stages(String text, String title) {
		String[] parts = SEPARATOR.split((text != null) ? text : "", -1);
		List<Pipelines.StageRequest> stages = new ArrayList<>();
		for (int i = 0; i < parts.length; i++) {
			stages.add(stage(parts[i], i + 1, title));
		}
		return stages;
	}

	private static Pipelines.StageRequest stage(String part, int number, String formTitle) {
		List<String> lines = new ArrayList<>(List.of(part.split("\\r?\\n", -1)));
		while (!lines.isEmpty() && lines.get(0).isBlank()) {
			lines.remove(0);
		}
		String agent = null;
		String role = null;
		String title = null;
		while (!lines.isEmpty()) {
			Matcher header = HEADER.matcher(lines.get(0).strip());
			if (!header.matches()) {
				break;
			}
			String value = header.group(2).isEmpty() ? null : header.group(2);
			String name = header.group(1);
			if (("agent".equals(name) && agent != null) || ("role".equals(name) && role != null)
					|| ("title".equals(name) && title != null)) {
				throw new InvalidTaskException("stage " + number + " gives its " + name + " twice");
			}
			switch (name) {
				case "agent" -> agent = value;
				case "role" -> role = value;
				default -> title = value;
			}
			lines.remove(0);
		}
		if (title == null && formTitle != null && !formTitle.isBlank()) {
			title = formTitle.strip() + ", stage " + number;
		}
		return new Pipelines.StageRequest(String.join("\n", lines).strip(), title, agent, role);
	}

}
