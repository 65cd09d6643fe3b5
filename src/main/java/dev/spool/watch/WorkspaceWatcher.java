package dev.spool.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.AgentsFolderChanged;
import dev.spool.workspace.RecordName;
import dev.spool.workspace.RenameEchoes;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.Workspace;
import dev.spool.workspace.WholeFiles;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.SmartLifecycle;

/**
 * Turns file events into index updates within milliseconds, and rescans the whole workspace periodically because
 * events are only hints: they overflow, they miss other NFS clients, and on some systems they are polled. On Linux
 * the events come from inotify, which also says when a task file became whole (renamed in, closed, linked).
 */
public final class WorkspaceWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkspaceWatcher.class);

	/** Starts before the agents and stops after them, so that they never work on an index nobody updates. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

	private final WorkspaceLayout layout;

	private final TaskIndex index;

	private final Consumer<Object> events;

	private final Duration rescanInterval;

	private final boolean watchEvents;

	private final boolean inotify;

	private final Runnable failureNotes;

	private final Runnable outsideAnswers;

	private volatile FileEvents fileEvents;

	private volatile Thread thread;

	/**
	 * A watcher that keeps a workspace's index converged with changes made by anyone. When it starts it reads the
	 * whole workspace again, since others may have changed it while this process started.
	 * @param watchEvents whether to listen for the filesystem's change events as well as rescanning
	 * @param events told of what the watcher saw: {@link AgentsFolderChanged}, {@link WorkspaceReread}
	 */
	public WorkspaceWatcher(Workspace workspace, Duration rescanInterval, boolean watchEvents, Consumer<Object> events) {
		this(workspace, rescanInterval, watchEvents, true, events);
	}

	/** @param inotify whether to use Linux's inotify where there is one, rather than Java's WatchService */
	WorkspaceWatcher(Workspace workspace, Duration rescanInterval, boolean watchEvents, boolean inotify,
			Consumer<Object> events) {
		this.layout = workspace.layout();
		this.index = workspace.index();
		this.failureNotes = workspace::takeFailureNotes;
		this.outsideAnswers = workspace::recordOutsideAnswers;
		this.events = events;
		this.rescanInterval = rescanInterval;
		this.watchEvents = watchEvents;
		this.inotify = inotify;
	}

	@Override
	public void start() {
		if (!this.watchEvents) {
			logger.info("Not watching for file events; changes are read by the rescan every "
					+ this.rescanInterval.toMillis() + " ms");
		}
		else {
			watch();
		}
		// Only inotify says when it lost events; the echoes of this process's renames are let pass then alone.
		this.index.echoes().listen(this.fileEvents instanceof Inotify);
		this.thread = new Thread(this::run, "spool-watcher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void watch() {
		List<Path> folders = List.of(this.layout.tasks(), this.layout.outputs(), this.layout.attempts(),
				this.layout.agents(), this.layout.failures());
		this.fileEvents = this.inotify ? Inotify.watch(folders).orElse(null) : null;
		if (this.fileEvents != null) {
			logger.debug("Watching the workspace with inotify");
			return;
		}
		try {
			this.fileEvents = WatchServiceEvents.watch(folders);
		}
		catch (IOException ex) {
			logger.warn("Cannot watch the workspace (" + ex.getMessage() + "); relying on the periodic rescan");
		}
	}

	private void run() {
		long nextRescan = System.nanoTime() + this.rescanInterval.toNanos();
		try {
			// What other processes changed while this one was starting, before the watch began, is read first, here
			// rather than in start(): at 100,000 tasks it is a whole listing and a look at every task file, and
			// Spool serves meanwhile (events that come in the meantime wait for it).
			catchUp();
			// The answers that outside agents published while no Spool watched, recorded once Spool is up.
			this.outsideAnswers.run();
			while (!Thread.currentThread().isInterrupted()) {
				try {
					long waitNanos = Math.max(0, nextRescan - System.nanoTime());
					FileEvents source = this.fileEvents;
					if (source != null) {
						List<FileEvent> batch = source.next(waitNanos);
						if (!batch.isEmpty()) {
							handle(batch);
							this.outsideAnswers.run();
						}
					}
					else {
						Thread.sleep(Math.max(1, waitNanos / 1_000_000));
					}
					if (System.nanoTime() - nextRescan >= 0) {
						this.index.rescanIfChanged();
						this.failureNotes.run();
						this.outsideAnswers.run();
						// Appends to the manifest that another process lost are made good.
						this.events.accept(new WorkspaceReread());
						nextRescan = System.nanoTime() + this.rescanInterval.toNanos();
					}
				}
				catch (InterruptedException | ClosedWatchServiceException ex) {
					return;
				}
				catch (IOException ex) {
					logger.warn("Lost the file events (" + ex.getMessage() + "); relying on the periodic rescan");
					this.index.echoes().listen(false);
					this.fileEvents.release();
					this.fileEvents = null;
					this.index.whole().forgetAll();
				}
				catch (RuntimeException ex) {
					logger.error("The workspace watcher hit an error and goes on", ex);
				}
			}
		}
		finally {
			FileEvents source = this.fileEvents;
			if (source != null) {
				source.release();
			}
		}
	}

	private void catchUp() {
		try {
			this.index.resync();
		}
		catch (RuntimeException ex) {
			logger.error("Could not read the workspace again after starting; the periodic rescan will", ex);
		}
		this.index.whole().startAlarms();
		this.events.accept(new WorkspaceReread());
	}

	private void handle(List<FileEvent> batch) {
		List<String> taskNames = new ArrayList<>();
		Set<String> modified = new HashSet<>();
		Set<TaskId> refreshed = new LinkedHashSet<>();
		boolean overflowed = false;
		boolean notes = false;
		boolean agents = false;
		for (FileEvent event : batch) {
			if (event.kind() == FileEvent.Kind.OVERFLOW) {
				overflowed = true;
				continue;
			}
			String name = event.name();
			Path folder = event.folder();
			if (name.startsWith(".")) {
				continue;
			}
			if (this.layout.tasks().equals(folder)) {
				if (!isEcho(event)) {
					taskFileEvent(event, modified);
					taskNames.add(name);
				}
			}
			else if (this.layout.agents().equals(folder)) {
				agents = true;
			}
			else if (this.layout.failures().equals(folder)) {
				notes = true;
			}
			else if (!alreadyKnown(event)) {
				int end = name.indexOf(this.layout.outputs().equals(folder) ? "_result" : ".");
				TaskId.parse((end > 0) ? name.substring(0, end) : name).ifPresent(refreshed::add);
			}
		}
		refreshed.forEach(this.index::refresh);
		if (agents) {
			this.events.accept(new AgentsFolderChanged());
		}
		if (notes || overflowed) {
			this.failureNotes.run();
		}
		if (overflowed) {
			// Events were dropped, edits of task files among them, which a rescan of names cannot see.
			logger.info("Missed file events; reading the whole workspace again");
			this.index.whole().forgetAll();
			this.index.echoes().forgetAll();
			this.index.resync();
			this.events.accept(new AgentsFolderChanged());
			this.events.accept(new WorkspaceReread());
		}
		else if (!taskNames.isEmpty()) {
			this.index.taskFilesSeen(taskNames, modified);
		}
	}

	/**
	 * Whether an event is of a record or a result appearing that the index holds already: most are this process's
	 * own, taken in when written. Records and results are never rewritten, so only their appearing tells anything.
	 */
	private boolean alreadyKnown(FileEvent event) {
		if (event.kind() == FileEvent.Kind.GONE || event.kind() == FileEvent.Kind.WRITTEN
				|| event.kind() == FileEvent.Kind.TOUCHED) {
			return false;
		}
		String name = event.name();
		if (this.layout.attempts().equals(event.folder())) {
			return RecordName.parse(name)
				.map((record) -> this.index.holdsRecord(record.task(), record.number()))
				.orElse(false);
		}
		if (this.layout.outputs().equals(event.folder()) && name.endsWith("_result.md")) {
			Optional<TaskId> id = TaskId.parse(name.substring(0, name.length() - "_result.md".length()));
			return id.isPresent() && this.index.holdsOutput(id.get());
		}
		return false;
	}

	/**
	 * Whether an event is the echo of this process's own rename of a task file: the index took the move in as it was
	 * made. A name gone loses what events said of it, as for any other.
	 */
	private boolean isEcho(FileEvent event) {
		RenameEchoes echoes = this.index.echoes();
		return switch (event.kind()) {
			case MOVED_IN, CREATED -> echoes.isEcho(event.name(), true);
			case GONE -> {
				boolean echo = echoes.isEcho(event.name(), false);
				if (echo) {
					this.index.whole().forget(event.name());
				}
				yield echo;
			}
			default -> false;
		};
	}

	/** Notes what an event says of whether a task file is whole, before the index reads it. */
	private void taskFileEvent(FileEvent event, Set<String> modified) {
		WholeFiles whole = this.index.whole();
		String name = event.name();
		Path path = this.layout.tasks().resolve(name);
		switch (event.kind()) {
			// Only a name that still exists is marked: a mark left on a name gone since would vouch for the next file
			// that someone creates under it. Names of tasks that are not pending are never marked, nor looked at.
			case MOVED_IN -> {
				if (WholeFiles.concerns(name) && SharedFile.exists(path)) {
					whole.whole(name);
				}
			}
			case CLOSED -> {
				if (WholeFiles.concerns(name) && SharedFile.exists(path)) {
					whole.whole(name);
				}
				modified.add(name);
			}
			case CREATED -> {
				// A hard link makes a whole file appear with no writer to close it; a new file has one link.
				if (WholeFiles.concerns(name) && linkCount(path) > 1) {
					whole.whole(name);
				}
			}
			case WRITTEN -> {
				whole.writing(name);
				modified.add(name);
			}
			case TOUCHED -> modified.add(name);
			case GONE -> whole.forget(name);
			default -> {
			}
		}
	}

	private static int linkCount(Path file) {
		try {
			return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return 1;
		}
	}

	@Override
	public void stop() {
		this.index.echoes().listen(false);
		Thread running = this.thread;
		if (running != null) {
			running.interrupt();
		}
		FileEvents source = this.fileEvents;
		if (source != null) {
			source.close();
		}
		if (running != null) {
			// Until the thread has ended this watcher is still running, and a start would be skipped.
			try {
				running.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.thread != null && this.thread.isAlive();
	}

}
