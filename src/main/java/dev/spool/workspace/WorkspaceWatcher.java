package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Turns file events into index updates within milliseconds, and rescans the whole workspace periodically because
 * events are only hints: they overflow, they miss other NFS clients, and on some systems they are polled.
 */
public final class WorkspaceWatcher implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkspaceWatcher.class);

	private final WorkspaceLayout layout;

	private final TaskIndex index;

	private final Consumer<Object> events;

	private final Duration rescanInterval;

	private volatile WatchService watchService;

	private volatile Thread thread;

	private Map<WatchKey, Path> folders = Map.of();

	/** Starts before the agents and stops after them, so that they never work on an index nobody updates. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1000;

	private final Runnable afterResync;

	private final boolean watchEvents;

	private final Runnable failureNotes;

	WorkspaceWatcher(WorkspaceLayout layout, TaskIndex index, Consumer<Object> events, Duration rescanInterval,
			boolean watchEvents, Runnable afterResync, Runnable failureNotes) {
		this.failureNotes = failureNotes;
		this.watchEvents = watchEvents;
		this.afterResync = afterResync;
		this.layout = layout;
		this.index = index;
		this.events = events;
		this.rescanInterval = rescanInterval;
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
		// What other processes changed while this one was starting, before the watch began, is read now.
		this.index.resync();
		this.afterResync.run();
		this.thread = new Thread(this::run, "spool-watcher");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void watch() {
		try {
			this.watchService = FileSystems.getDefault().newWatchService();
			this.folders = Map.of(register(this.layout.tasks()), this.layout.tasks(), register(this.layout.outputs()),
					this.layout.outputs(), register(this.layout.attempts()), this.layout.attempts(),
					register(this.layout.agents()), this.layout.agents(), register(this.layout.failures()),
					this.layout.failures());
		}
		catch (IOException ex) {
			logger.warn("Cannot watch the workspace (" + ex.getMessage() + "); relying on the periodic rescan");
		}
	}

	private WatchKey register(Path folder) throws IOException {
		return folder.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE,
				StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
	}

	private void run() {
		long nextRescan = System.nanoTime() + this.rescanInterval.toNanos();
		while (!Thread.currentThread().isInterrupted()) {
			try {
				long waitNanos = Math.max(0, nextRescan - System.nanoTime());
				WatchKey key = (this.watchService != null)
						? this.watchService.poll(waitNanos, TimeUnit.NANOSECONDS) : null;
				if (this.watchService == null) {
					Thread.sleep(Math.max(1, waitNanos / 1_000_000));
				}
				if (key != null) {
					handle(key);
				}
				if (System.nanoTime() - nextRescan >= 0) {
					this.index.rescanIfChanged();
					this.failureNotes.run();
					nextRescan = System.nanoTime() + this.rescanInterval.toNanos();
				}
			}
			catch (InterruptedException | ClosedWatchServiceException ex) {
				return;
			}
			catch (RuntimeException ex) {
				logger.error("The workspace watcher hit an error and goes on", ex);
			}
		}
	}

	private void handle(WatchKey key) {
		Path folder = this.folders.get(key);
		List<String> taskNames = new ArrayList<>();
		Set<String> modified = new HashSet<>();
		boolean overflowed = false;
		boolean notes = false;
		for (WatchEvent<?> event : key.pollEvents()) {
			if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
				overflowed = true;
				continue;
			}
			String name = event.context().toString();
			if (name.startsWith(".")) {
				continue;
			}
			if (this.layout.tasks().equals(folder)) {
				taskNames.add(name);
				if (event.kind() == StandardWatchEventKinds.ENTRY_MODIFY) {
					modified.add(name);
				}
			}
			else if (this.layout.agents().equals(folder)) {
				this.events.accept(new AgentsFolderChanged());
			}
			else if (this.layout.failures().equals(folder)) {
				notes = true;
			}
			else {
				int end = name.indexOf(this.layout.outputs().equals(folder) ? "_result" : ".");
				TaskId.parse((end > 0) ? name.substring(0, end) : name).ifPresent(this.index::refresh);
			}
		}
		key.reset();
		if (notes || overflowed) {
			this.failureNotes.run();
		}
		if (overflowed) {
			// Events were dropped, edits of task files among them, which a rescan of names cannot see.
			logger.info("Missed file events in " + folder + "; reading the whole workspace again");
			this.index.resync();
			this.events.accept(new AgentsFolderChanged());
			this.afterResync.run();
		}
		else if (!taskNames.isEmpty()) {
			this.index.taskFilesChanged(taskNames, modified);
		}
	}

	@Override
	public void stop() {
		Thread running = this.thread;
		if (running != null) {
			running.interrupt();
		}
		try {
			if (this.watchService != null) {
				this.watchService.close();
			}
		}
		catch (IOException ex) {
			// Closing on shutdown; nothing to do.
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
