package dev.spool.watch;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.util.List;

/** Where the watcher's file events come from: the kernel's inotify on Linux, Java's WatchService elsewhere. */
interface FileEvents {

	/**
	 * Waits for events.
	 * @return the events, or none when the time ran out
	 * @throws ClosedWatchServiceException once {@link #close()} was called
	 */
	List<FileEvent> next(long timeoutNanos) throws IOException, InterruptedException;

	/** Makes a waiting {@link #next} return and every later one throw; any thread may call it. */
	void close();

	/** Releases what it holds; the reading thread calls it once it has stopped reading. */
	void release();

}
