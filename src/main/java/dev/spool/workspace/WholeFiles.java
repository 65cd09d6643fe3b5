package dev.spool.workspace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decides when a task file is whole, so that agents may take it: at once when the kernel said it was renamed in,
 * closed after writing or linked, or when this process published it; never while someone is writing it; otherwise
 * once it has stayed unchanged for {@link #SETTLE}, when it is looked at again (once the workspace is watched) so that
 * agents are woken then.
 * <p>
 * What it decided travels in {@link Task#readAt()}: {@link #KNOWN_WHOLE}, {@link #BEING_WRITTEN}, or the instant
 * the file was last seen to change.
 */
public final class WholeFiles {

	/**
	 * How long a task file must stay unchanged before agents take it when nothing tells whether its writer is done:
	 * a file found by a scan rather than an event, on a system without inotify, or with events switched off.
	 */
	static final Duration SETTLE = Duration.ofMillis(200);

	/** The {@link Task#readAt()} of a file known to be whole. */
	static final Instant KNOWN_WHOLE = Instant.MIN;

	/** The {@link Task#readAt()} of a file written to and not yet closed. */
	static final Instant BEING_WRITTEN = Instant.MAX;

	private enum Mark {

		WHOLE, WRITING

	}

	private final Clock clock;

	private final Consumer<String> lookAgain;

	/** What events said of names not yet read since; a file being written keeps its mark until it is closed. */
	private final Map<String, Mark> marks = new ConcurrentHashMap<>();

	private final ScheduledThreadPoolExecutor alarms;

	/** Files whose settling time began before alarms were switched on. */
	private final Set<String> deferred = new HashSet<>();

	private boolean ringing;

	/** @param lookAgain reads a task file again by name, when its settling time ends */
	WholeFiles(Clock clock, Consumer<String> lookAgain) {
		this.clock = clock;
		this.lookAgain = lookAgain;
		this.alarms = IdleEndingScheduler.named("spool-settle", Duration.ofSeconds(5));
	}

	/** Whether agents may take a pending task now. The one rule; callers never compare times themselves. */
	static boolean isWhole(Task task, Instant now) {
		Instant readAt = task.readAt();
		return readAt.equals(KNOWN_WHOLE) || (!readAt.equals(BEING_WRITTEN) && !readAt.plus(SETTLE).isAfter(now));
	}

	/** Whether the task's file is known whole, not merely settled by time so far. */
	static boolean isKnownWhole(Task task) {
		return task != null && task.readAt().equals(KNOWN_WHOLE);
	}

	/** The file was renamed into the folder, closed after writing, linked, or published by this process. */
	public void whole(String name) {
		if (concerns(name)) {
			this.marks.put(name, Mark.WHOLE);
		}
	}

	/** The file was written to; it is not whole until its writer closes it. */
	public void writing(String name) {
		if (concerns(name)) {
			this.marks.put(name, Mark.WRITING);
		}
	}

	/** The name is gone. */
	public void forget(String name) {
		this.marks.remove(name);
	}

	/** Events were missed: what they said may be stale, so files are judged by their settling time again. */
	public void forgetAll() {
		this.marks.clear();
	}

	/**
	 * The {@link Task#readAt()} of a file just looked at, and, for a pending file judged by time, an alarm to look at
	 * it again when its settling time ends.
	 * @param before the value it had, or null for a file not known before
	 * @param documentRead whether the file had changed, so its document was read again
	 */
	Instant readAt(TaskFile file, Instant before, boolean documentRead) {
		String name = file.fileName();
		Mark mark = this.marks.get(name);
		if (mark == Mark.WHOLE) {
			// Kept until the index applies this read (see taken): a read it discards must not use the mark up.
			return KNOWN_WHOLE;
		}
		if (mark == Mark.WRITING) {
			return BEING_WRITTEN;
		}
		Instant now = this.clock.instant();
		if (documentRead || before == null || before.equals(BEING_WRITTEN)) {
			if (file.state() == TaskState.PENDING) {
				alarm(name);
			}
			return now;
		}
		// Looked at again and found unchanged once its settling time is over: whole.
		return (!before.equals(KNOWN_WHOLE) && !before.plus(SETTLE).isAfter(now)) ? KNOWN_WHOLE : before;
	}

	/** The index took in a read of this task: a mark that said its file is whole has served. */
	void taken(Task task) {
		if (isKnownWhole(task)) {
			this.marks.remove(task.file().fileName(), Mark.WHOLE);
		}
	}

	/**
	 * Lets the alarms ring from now on, and sets those asked for before. They call back into the index, whose
	 * listeners may not be ready while the workspace is still being opened.
	 */
	public synchronized void startAlarms() {
		this.ringing = true;
		this.deferred.forEach(this::alarm);
		this.deferred.clear();
	}

	private synchronized void alarm(String name) {
		if (!this.ringing) {
			this.deferred.add(name);
			return;
		}
		this.alarms.schedule(() -> this.lookAgain.accept(name), SETTLE.toNanos() + 1_000_000, TimeUnit.NANOSECONDS);
	}

	/** Whether what events say of this name counts: only a pending task's file waits to be known whole. */
	public static boolean concerns(String name) {
		return TaskFile.parse(name).map((file) -> file.state() == TaskState.PENDING).orElse(false);
	}

}
