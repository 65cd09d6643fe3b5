package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of folder flushes: threads that each need a folder flushed after their own rename share one flush,
 * as a database's transactions share one log flush. A flush covers a caller only if it started after the caller
 * arrived (so after its rename); one that is under way when a caller arrives covers only those who came before it,
 * and the caller waits for the next, which then serves everyone who arrived meanwhile. A failed flush fails every
 * caller it would have served and is never retried: the next caller starts a new one.
 */
final class FolderFlushes {

	private final Disk disk;

	private final Map<Path, Folder> folders = new ConcurrentHashMap<>();

	FolderFlushes(Disk disk) {
		this.disk = disk;
	}

	/**
	 * Returns once a flush of the folder that began after this call has ended.
	 * @throws IOException the flush's failure, shared by every caller it served
	 */
	void flush(Path folder) throws IOException {
		this.folders.computeIfAbsent(folder, Folder::new).flush();
	}

	/** One flush of one folder, from its start to its outcome. */
	private static final class Round {

		private boolean ended;

		private Throwable failure;

	}

	/** The flushes of one folder: at most one under way, and the next one that callers are gathering for. */
	private final class Folder {

		private final Path path;

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition ended = this.lock.newCondition();

		private Round running;

		private Round next;

		Folder(Path path) {
			this.path = path;
		}

		void flush() throws IOException {
			Round mine;
			this.lock.lock();
			try {
				// The round that has not started yet: whenever it starts, it is after this caller's rename.
				if (this.next == null) {
					this.next = new Round();
				}
				mine = this.next;
				while (this.running != null && !mine.ended) {
					this.ended.awaitUninterruptibly();
				}
				if (mine.ended) {
					outcome(mine);
					return;
				}
				// Nothing under way and this round not started: this caller flushes for everyone gathered in it.
				this.running = mine;
				this.next = null;
			}
			finally {
				this.lock.unlock();
			}
			Throwable failure = null;
			try {
				FolderFlushes.this.disk.forceFolder(this.path);
			}
			catch (IOException | RuntimeException | Error ex) {
				failure = ex;
			}
			this.lock.lock();
			try {
				mine.ended = true;
				mine.failure = failure;
				this.running = null;
				this.ended.signalAll();
			}
			finally {
				this.lock.unlock();
			}
			outcome(mine);
		}

		private void outcome(Round round) throws IOException {
			Throwable failure = round.failure;
			if (failure == null) {
				return;
			}
			if (failure instanceof IOException io) {
				// Each caller gets an exception of its own, with the shared cause.
				throw new IOException(io.getMessage(), io);
			}
			if (failure instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw (Error) failure;
		}

	}

}
