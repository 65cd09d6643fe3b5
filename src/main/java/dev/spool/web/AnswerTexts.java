package dev.spool.web;

import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The start of the newest answers, in memory, for the board's search: the first {@value #CHARS} characters of each of
 * the newest {@value #KEPT} answers. An answer is read once, by the first search after it is written (the first
 * search after a start reads the newest {@value #KEPT}), never once per search; words shorter than
 * {@value #MIN_QUERY} characters are not looked for in answers.
 */
@Component
class AnswerTexts {

	static final int KEPT = 10_000;

	static final int CHARS = 2_048;

	/** Enough bytes of a result for its header and {@link #CHARS} characters of any script; the rest is never read. */
	private static final int READ_BYTES = 4 * CHARS + 4096;

	static final int MIN_QUERY = 3;

	private final TaskStore store;

	private final ConcurrentSkipListMap<TaskId, String> texts = new ConcurrentSkipListMap<>();

	/** Answers written or rewritten since they were last read. */
	private final Set<TaskId> unread = ConcurrentHashMap.newKeySet();

	private boolean seeded;

	AnswerTexts(TaskStore store) {
		this.store = store;
	}

	@EventListener
	void on(TaskChanged changed) {
		Task after = changed.after();
		if (after != null && after.hasOutput()) {
			this.unread.add(after.id());
		}
		else {
			this.texts.remove(changed.id());
			this.unread.remove(changed.id());
		}
	}

	/** Whether the start of a task's answer holds the words (lower case); false for words too short to look for. */
	boolean contains(TaskId id, String lowerCaseWords) {
		if (lowerCaseWords.length() < MIN_QUERY) {
			return false;
		}
		String text = this.texts.get(id);
		return text != null && text.contains(lowerCaseWords);
	}

	/** Reads the answers written since the last search: all of the newest, the first time. */
	synchronized void catchUp() {
		if (!this.seeded) {
			this.seeded = true;
			this.store.index()
				.queries()
				.newestFirst(null)
				.stream()
				.filter(Task::hasOutput)
				.limit(KEPT)
				.forEach((task) -> this.unread.add(task.id()));
		}
		for (TaskId id : this.unread) {
			this.unread.remove(id);
			read(id);
		}
		while (this.texts.size() > KEPT) {
			Map.Entry<TaskId, String> oldest = this.texts.pollFirstEntry();
			if (oldest == null) {
				break;
			}
		}
	}

	private void read(TaskId id) {
		if (!this.texts.isEmpty() && this.texts.size() >= KEPT && id.compareTo(this.texts.firstKey()) < 0) {
			return; // older than every answer kept
		}
		try {
			this.store.readOutputStart(id, READ_BYTES).ifPresentOrElse((text) -> this.texts.put(id, start(text)),
					() -> this.texts.remove(id));
		}
		catch (UncheckedIOException ex) {
			// Unreadable (not UTF-8, gone mid-read): not searchable, as a task without an answer.
			this.texts.remove(id);
		}
	}

	private static String start(String text) {
		return ((text.length() > CHARS) ? text.substring(0, CHARS) : text).toLowerCase(Locale.ROOT);
	}

}
