package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The filesystem calls {@link AtomicFiles} makes, one method each, so that tests can see their order or make any of
 * them fail as a full or failing disk does.
 */
interface Disk {

	/** The most a single write passes to the system; see {@link #write}. */
	int WRITE_STEP = 1 << 20;

	/**
	 * Writes a new file's content, a slice of at most {@link #WRITE_STEP} at a time: Java copies a heap buffer into
	 * a direct buffer of the same size to write it and keeps that buffer for the thread's next write, so a manifest
	 * snapshot of 26 MB written in one call kept 26 MB of memory outside the heap for good, on each thread that wrote
	 * one.
	 */
	default void write(Path file, FileChannel channel, ByteBuffer content) throws IOException {
		while (content.hasRemaining()) {
			ByteBuffer slice = content.slice();
			slice.limit(Math.min(slice.remaining(), WRITE_STEP));
			content.position(content.position() + channel.write(slice));
		}
	}

	/** Flushes a file's content to the device. */
	default void force(Path file, FileChannel channel) throws IOException {
		channel.force(true);
	}

	/** Flushes a folder, so that the names created or removed in it survive a power cut. */
	default void forceFolder(Path folder) throws IOException {
		try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
			channel.force(true);
		}
	}

	/** Creates an empty file, failing with {@link FileAlreadyExistsException} if the name exists. */
	default void createNew(Path file) throws IOException {
		Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
	}

	/** Gives a file a second name, failing with {@link FileAlreadyExistsException} if the name exists. */
	default void link(Path link, Path existing) throws IOException {
		Files.createLink(link, existing);
	}

	/** Renames a file over whatever has the target name. */
	default void replace(Path source, Path target) throws IOException {
		Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/**
	 * Renames a file in one step that fails with {@link FileAlreadyExistsException} if the target exists.
	 * @return false when this system or filesystem has no such rename
	 */
	default boolean renameWithoutReplacing(Path source, Path target) throws IOException {
		try {
			return NoReplaceRename.rename(source, target);
		}
		catch (LinkageError ex) {
			// JNA is missing or has no native library for this platform.
			return false;
		}
	}

	default void delete(Path file) throws IOException {
		Files.delete(file);
	}

}
