package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * Hands out new task ids: above every id in {@code tasks/} and every id ever handed out, each reserved by an exclusive
 * create of {@code .spool/ids/<id>}, so that processes creating tasks at once never share one. Reservations are
 * never deleted, so the ids of deleted tasks are not handed out again, nor the id of a task whose file could not be
 * written: that file may exist all the same (its folder's flush failed after the link, or NFS reported a link failed
 * that happened), and another holder of a released id could publish a second file under it once the first was
 * claimed. Such an id stays unused, and the error says so.
 */
final class IdReservations {

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final LongSupplier highestInTasks;

	private final AtomicLong highestReserved = new AtomicLong();

	IdReservations(WorkspaceLayout layout, AtomicFiles files, LongSupplier highestInTasks) {
		this.layout = layout;
		this.files = files;
		this.highestInTasks = highestInTasks;
	}

	/** Reads the highest id reserved so far. */
	void load() throws IOException {
		FolderNames.forEach(this.layout.reservations(), (name) -> TaskId.parse(name)
			.ifPresent((id) -> this.highestReserved.accumulateAndGet(id.number(), Math::max)));
	}

	/** Reserves the next id; its reservation is flushed before it is handed out. */
	TaskId next() throws IOException {
		while (true) {
			long next = Math.max(this.highestInTasks.getAsLong(), this.highestReserved.get()) + 1;
			TaskId id = TaskId.of(next);
			try {
				this.files.createExclusive(this.layout.reservation(id));
				this.highestReserved.accumulateAndGet(next, Math::max);
				return id;
			}
			catch (FileAlreadyExistsException ex) {
				// Another process or thread took this id; try the next.
				this.highestReserved.accumulateAndGet(next, Math::max);
			}
			catch (AtomicFiles.NotDurableException ex) {
				throw new IOException(ex.getMessage() + "; " + id + " stays reserved and unused", ex);
			}
		}
	}

	/**
	 * Reserves the first free name from a number up in a folder of reservations, as task ids are reserved: by an
	 * exclusive create, flushed before the name is handed out.
	 */
	String reserve(Path folder, long from, LongFunction<String> naming) throws IOException {
		Files.createDirectories(folder);
		for (long next = from;; next++) {
			String name = naming.apply(next);
			try {
				this.files.createExclusive(folder.resolve(name));
				return name;
			}
			catch (FileAlreadyExistsException ex) {
				// Another process or thread took this one; try the next.
			}
		}
	}

	/**
	 * Publishes the pending file of a task under an id from {@link #next()}.
	 * @throws IOException saying that the id stays reserved and unused, unless the file got its name
	 */
	void publish(TaskFile pending, byte[] content) throws IOException {
		Path path = this.layout.task(pending);
		try {
			this.files.publishNew(path, content);
		}
		catch (IOException ex) {
			if (ex instanceof AtomicFiles.NotDurableException || Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			throw new IOException(ex.getMessage() + "; " + pending.id() + " stays reserved and unused", ex);
		}
	}

}
