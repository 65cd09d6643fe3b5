package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands out new task ids: above every id in {@code tasks/} and every id ever handed out, each reserved by an exclusive
 * create of {@code .spool/ids/<id>}, so that processes creating tasks at once never share one. Reservations are
 * never deleted, so the ids of deleted tasks are not handed out again.
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
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.layout.reservations())) {
			for (Path path : stream) {
				TaskId.parse(path.getFileName().toString())
					.ifPresent((id) -> this.highestReserved.accumulateAndGet(id.number(), Math::max));
			}
		}
	}

	TaskId next() throws IOException {
		while (true) {
			long next = Math.max(this.highestInTasks.getAsLong(), this.highestReserved.get()) + 1;
			this.highestReserved.accumulateAndGet(next, Math::max);
			TaskId id = TaskId.of(next);
			try {
				this.files.createExclusive(this.layout.reservation(id));
				return id;
			}
			catch (FileAlreadyExistsException ex) {
				// Another process took this id; try the next.
			}
		}
	}

}
