package dev.spool.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.spool.workspace.TaskId;

/**
 * Answers as they stream from the model, for people watching a task in progress. Only this process's agents are
 * seen here, and nothing here is state: the published output in {@code outputs/} is the answer.
 */
public final class LiveAnswers {

	private final Map<TaskId, StringBuilder> answers = new ConcurrentHashMap<>();

	private final Map<TaskId, List<Listener>> listeners = new ConcurrentHashMap<>();

	/** The answer so far, while a model call for the task is under way here. */
	public Optional<String> current(TaskId id) {
		StringBuilder answer = this.answers.get(id);
		if (answer == null) {
			return Optional.empty();
		}
		synchronized (answer) {
			return Optional.of(answer.toString());
		}
	}

	/**
	 * Follows a task's answer: the listener first gets the text so far (possibly empty), then each new piece.
	 * @return a handle that stops following
	 */
	public Runnable follow(TaskId id, Listener listener) {
		this.listeners.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>()).add(listener);
		listener.text(current(id).orElse(""));
		// Stopping after the answer finished (its listeners are gone by then) is a normal end, not an error.
		return () -> {
			List<Listener> following = this.listeners.get(id);
			if (following != null) {
				following.remove(listener);
			}
		};
	}

	void started(TaskId id) {
		this.answers.put(id, new StringBuilder());
	}

	void append(TaskId id, String piece) {
		StringBuilder answer = this.answers.get(id);
		if (answer == null) {
			return;
		}
		synchronized (answer) {
			answer.append(piece);
		}
		this.listeners.getOrDefault(id, List.of()).forEach((listener) -> listener.text(piece));
	}

	void finished(TaskId id) {
		this.answers.remove(id);
		List<Listener> following = this.listeners.remove(id);
		if (following != null) {
			following.forEach(Listener::end);
		}
	}

	/** Told of an answer's text as it grows. */
	public interface Listener {

		void text(String piece);

		void end();

	}

}
