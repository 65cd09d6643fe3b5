package dev.spool.workspace;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The file events that this process's own renames in {@code tasks/} cause, so that the watcher can let them pass:
 * the index took each move in as it was made, and an echo would only have it look at both names again. A rename
 * is expected before it is made and forgotten if it fails, so its events are never read before they are expected.
 * <p>
 * Only events read from a source that loses none unless it says so are matched ({@link #listen}); an expectation
 * whose event never comes would let a later event of the same name pass unread, so all are dropped when events
 * were lost, when the watcher stops, and when too many wait. An event let through wrongly costs little: any later
 * look at the task, a rename that finds its file gone, or the periodic rescan, reads what the files say.
 */
public final class RenameEchoes {

	/** More expectations than this waiting means events are not coming; none is kept then. */
	private static final int MOST = 4096;

	private final Map<String, Integer> going = new ConcurrentHashMap<>();

	private final Map<String, Integer> coming = new ConcurrentHashMap<>();

	private volatile boolean listening;

	/** Whether the watcher reads every event of {@code tasks/} from now on; either way, nothing is expected yet. */
	public void listen(boolean listening) {
		this.listening = listening;
		forgetAll();
	}

	/** Events were lost, or may have been. */
	public void forgetAll() {
		this.going.clear();
		this.coming.clear();
	}

	/**
	 * Whether an event is the echo of a rename this process made, which it then no longer expects.
	 * @param appeared whether the name appeared (renamed or linked in), rather than went
	 */
	public boolean isEcho(String name, boolean appeared) {
		return take(appeared ? this.coming : this.going, name);
	}

	/** How many events are expected and have not come yet. */
	int waiting() {
		return this.going.values().stream().mapToInt(Integer::intValue).sum()
				+ this.coming.values().stream().mapToInt(Integer::intValue).sum();
	}

	/** This process is about to rename a task's file. */
	void expect(TaskFile from, TaskFile to) {
		if (!this.listening) {
			return;
		}
		if (this.going.size() + this.coming.size() > MOST) {
			forgetAll();
		}
		this.going.merge(from.fileName(), 1, Integer::sum);
		if (arrivesUnseen(to)) {
			this.coming.merge(to.fileName(), 1, Integer::sum);
		}
	}

	/** The rename expected did not happen. */
	void unexpect(TaskFile from, TaskFile to) {
		take(this.going, from.fileName());
		if (arrivesUnseen(to)) {
			take(this.coming, to.fileName());
		}
	}

	/** An arrival that tells the watcher a file is whole is always seen. */
	private static boolean arrivesUnseen(TaskFile to) {
		return !WholeFiles.concerns(to.fileName());
	}

	private static boolean take(Map<String, Integer> expected, String name) {
		boolean[] taken = new boolean[1];
		expected.computeIfPresent(name, (key, count) -> {
			taken[0] = true;
			return (count > 1) ? count - 1 : null;
		});
		return taken[0];
	}

}
