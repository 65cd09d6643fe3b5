package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Tells whether folders can have gained, lost or renamed a name since they were last listed, from their modification
 * times. A folder's time changes with every name added, removed or renamed in it, but only as finely as the clock
 * ticks, so a change in the same tick as the one before can leave it as it was. A time is therefore trusted only once
 * a whole listing has begun long enough after it was first seen ({@link #MARGIN}, more than any filesystem's tick):
 * that listing saw everything done in its tick.
 */
final class FolderTimes {

	/** Longer than the coarsest modification-time granularity in use (FAT's 2 s). */
	static final Duration MARGIN = Duration.ofSeconds(3);

	private final List<Path> folders;

	private final LongSupplier nanoTime;

	private long firstSeen;

	private List<FileTime> listed = List.of();

	private boolean confirmed;

	FolderTimes(List<Path> folders, LongSupplier nanoTime) {
		this.folders = folders;
		this.nanoTime = nanoTime;
	}

	/** Notes the times as a listing of the folders begins. */
	synchronized void listingStarts() {
		List<FileTime> now = times();
		long at = this.nanoTime.getAsLong();
		if (now.isEmpty() || !now.equals(this.listed)) {
			this.firstSeen = at;
		}
		this.confirmed = !now.isEmpty() && now.equals(this.listed) && at - this.firstSeen >= MARGIN.toNanos();
		this.listed = now;
	}

	/**
	 * Whether no folder changed since the last listing, and that listing began after a listing before it had already
	 * seen the same times.
	 */
	synchronized boolean unchangedSinceConfirmed() {
		return this.confirmed && times().equals(this.listed);
	}

	private List<FileTime> times() {
		List<FileTime> times = new ArrayList<>();
		for (Path folder : this.folders) {
			try {
				times.add(Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS));
			}
			catch (IOException ex) {
				// A folder that cannot be read is never trusted as unchanged.
				return List.of();
			}
		}
		return times;
	}

}
