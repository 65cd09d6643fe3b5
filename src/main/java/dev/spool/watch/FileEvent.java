package dev.spool.watch;

import java.nio.file.Path;

/**
 * What the filesystem said happened to a name in a watched folder.
 *
 * @param folder the folder, or null for {@link Kind#OVERFLOW}
 * @param name the file's name in it
 * @param kind what happened
 */
record FileEvent(Path folder, String name, Kind kind) {

	static FileEvent overflow() {
		return new FileEvent(null, "", Kind.OVERFLOW);
	}

	/** What happened to the name; only inotify tells the first, second and fourth apart from the rest. */
	enum Kind {

		/** Renamed into the folder: whole at once. */
		MOVED_IN,

		/** Closed by a writer: whole, unless written again. */
		CLOSED,

		/** Created: by a link (whole), or by a writer that will write and close it. */
		CREATED,

		/** Written to by a writer that has not closed it yet. */
		WRITTEN,

		/** Its times, or (from Java's WatchService) its content, may have changed. */
		TOUCHED,

		/** Deleted or renamed away. */
		GONE,

		/** Events were dropped: anything may have happened anywhere. */
		OVERFLOW

	}

}
