package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Writes and renames files so that no reader sees a partial file and no rename replaces a file silently: write to a
 * unique temporary name in the target's folder, flush it, then link or rename it into place and flush the folder.
 */
public final class AtomicFiles {

	private static final Log logger = LogFactory.getLog(AtomicFiles.class);

	private final boolean fsync;

	private final ContentWriter writer;

	private volatile boolean folderSyncUnsupported;

	/** @param fsync whether to flush files and folders to disk; off trades power-loss safety for speed */
	public AtomicFiles(boolean fsync) {
		this(fsync, AtomicFiles::writeFully);
	}

	/** With another way of writing content, so tests can make the disk fill up or fail. */
	AtomicFiles(boolean fsync, ContentWriter writer) {
		this.fsync = fsync;
		this.writer = writer;
	}

	/**
	 * Publishes a new file that must not exist yet.
	 * @throws FileAlreadyExistsException if the target exists; it is left as it was
	 */
	public void publishNew(Path target, byte[] content) throws IOException {
		Path temp = writeTemp(target, content);
		try {
			Files.createLink(target, temp);
		}
		finally {
			Files.deleteIfExists(temp);
		}
		syncFolder(target.getParent());
	}

	/** Replaces a file, or creates it, atomically: readers see the old content or the new, never a mix. */
	public void replace(Path target, byte[] content) throws IOException {
		Path temp = writeTemp(target, content);
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			Files.deleteIfExists(temp);
			throw ex;
		}
		syncFolder(target.getParent());
	}

	/**
	 * Renames a file in one atomic step, never over an existing file.
	 * @return false when the source is gone: another process moved it first
	 * @throws FileAlreadyExistsException if the target exists
	 */
	public boolean move(Path source, Path target) throws IOException {
		if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
				return false;
			}
			throw new FileAlreadyExistsException(target.toString());
		}
		try {
			Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		syncFolder(target.getParent());
		if (!source.getParent().equals(target.getParent())) {
			syncFolder(source.getParent());
		}
		return true;
	}

	/** Creates an empty file exclusively, the way to reserve a name. */
	public void createExclusive(Path target) throws IOException {
		Files.newByteChannel(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
	}

	/** Removes temporary files that a process which died while writing left behind in these folders. */
	public void removeLeftovers(List<Path> folders, Duration olderThan) {
		long cutoff = System.currentTimeMillis() - olderThan.toMillis();
		for (Path folder : folders) {
			try (DirectoryStream<Path> temps = Files.newDirectoryStream(folder, ".*.tmp")) {
				for (Path temp : temps) {
					if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toMillis() < cutoff) {
						Files.deleteIfExists(temp);
					}
				}
			}
			catch (IOException ex) {
				logger.warn("Could not clear leftover temporary files in " + folder + ": " + ex.getMessage());
			}
		}
	}

	private Path writeTemp(Path target, byte[] content) throws IOException {
		Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
		try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			this.writer.write(channel, ByteBuffer.wrap(content));
			if (this.fsync) {
				channel.force(true);
			}
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(temp);
			throw ex;
		}
		return temp;
	}

	private static void writeFully(FileChannel channel, ByteBuffer content) throws IOException {
		while (content.hasRemaining()) {
			channel.write(content);
		}
	}

	/** Writes a file's content to its channel. */
	@FunctionalInterface
	interface ContentWriter {

		void write(FileChannel channel, ByteBuffer content) throws IOException;

	}

	private void syncFolder(Path folder) throws IOException {
		if (!this.fsync || this.folderSyncUnsupported) {
			return;
		}
		try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Windows cannot open a folder for flushing; its renames are journaled by NTFS instead.
			if (System.getProperty("os.name", "").startsWith("Windows")) {
				this.folderSyncUnsupported = true;
				logger.info("This platform cannot flush folders; renames rely on the filesystem's journal");
				return;
			}
			throw ex;
		}
	}

}
