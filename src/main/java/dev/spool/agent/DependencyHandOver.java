package dev.spool.agent;

import java.util.Optional;

import dev.spool.workspace.Rejection;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskStore;

/**
 * The prompt a task's model call is given: its own prompt, preceded by the output of each task it depends on, in
 * the order it names them, each under a heading with the dependency's id and title, and followed, when a person
 * rejected its last answer, by that answer and the reviewer's note. PROTOCOL.md describes the format so outside agents
 * can build the same.
 */
final class DependencyHandOver {

	/** Characters of one dependency's output handed over; the rest is cut, with a note saying where to find it. */
	static final int MAX_OUTPUT_CHARS = 32_000;

	private DependencyHandOver() {
	}

	/**
	 * The prompt for a task's model call. A task without dependencies and without a rejected answer gets its own
	 * prompt, unchanged.
	 */
	static String prompt(TaskStore store, TaskId id) {
		Task task = store.index().find(id).orElseThrow(() -> new TaskNotFoundException(id));
		Optional<Rejection> rejection = store.lastRejection(id);
		String prompt = withDependencies(store, task);
		if (rejection.isEmpty()) {
			return prompt;
		}
		// Under a heading of its own, so the task is told apart from the answer and the note that follow.
		String start = task.dependsOn().isEmpty() ? "## Your task\n\n" : "";
		return start + prompt + "\n\n" + rejection.get().promptSection();
	}

	private static String withDependencies(TaskStore store, Task task) {
		String own = store.readPrompt(task.id());
		if (task.dependsOn().isEmpty()) {
			return own;
		}
		StringBuilder prompt = new StringBuilder();
		for (TaskId dependency : task.dependsOn()) {
			Optional<Task> found = store.index().find(dependency);
			String title = found.map(Task::title).orElse(null);
			prompt.append("## Output of ").append(dependency);
			if (title != null) {
				prompt.append(" (").append(title).append(')');
			}
			prompt.append("\n\n").append(output(store, dependency)).append("\n\n");
		}
		return prompt.append("## Your task\n\n").append(own).toString();
	}

	private static String output(TaskStore store, TaskId dependency) {
		String output = store.readOutput(dependency).map(String::strip).orElse(null);
		if (output == null) {
			return "(" + dependency + " is done but left no output)";
		}
		if (output.length() <= MAX_OUTPUT_CHARS) {
			return output;
		}
		int cut = MAX_OUTPUT_CHARS;
		if (Character.isHighSurrogate(output.charAt(cut - 1))) {
			cut--;
		}
		return output.substring(0, cut) + "\n\n[… cut: the output is " + output.length() + " characters and only the"
				+ " first " + cut + " are handed over; the whole of it is outputs/" + dependency + "_result.md]";
	}

}
