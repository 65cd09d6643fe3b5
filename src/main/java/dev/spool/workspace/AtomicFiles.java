package dev.spool.workspace;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Writes and renames files so that no reader sees a partial file and no rename replaces a file: write to a unique
 * temporary name in the target's folder, flush it, link or rename it into place, then flush the folder.
 * <p>
 * A move is one {@code renameat2(RENAME_NOREPLACE)} on Linux. Where there is none (other systems, NFS, no JNA) a
 * move links the new name, which fails if it exists, then unlinks the old one, as Maildir does. For that instant the
 * file has both names: a scan may see two files with one id, and of two movers of one file, the one whose unlink
 * finds it gone has lost and withdraws its link. A process that dies in that instant leaves two names for one file,
 * which {@link InterruptedMoves} resolves when a workspace is next opened.
 * <p>
 * With {@code fsync}, every file is flushed before it gets its name, and every folder that got a new name is flushed
 * once before the method returns; threads renaming into one folder at once share that flush ({@link FolderFlushes}).
 * A failed flush is never retried: a temporary file whose flush failed is deleted
 * and never linked; a folder whose flush failed keeps its new name, which others may already see, and the method
 * throws to say that the change may not survive a power cut.
 */
public final class AtomicFiles {

	private static final Log logger = LogFactory.getLog(AtomicFiles.class);

	/** How much of a streamed file is written at once. */
	private static final int STREAM_BUFFER = 1 << 16;

	private final boolean fsync;

	private final Disk disk;

	private final FolderFlushes folderFlushes;

	private volatile boolean linkInsteadOfRename;

	private volatile boolean folderSyncUnsupported;

	/** @param fsync whether to flush files and folders to disk; off trades power-loss safety for speed */
	public AtomicFiles(boolean fsync) {
		this(fsync, new Disk() {
		});
	}

	/** On another disk, so that tests can see each call or make it fail. */
	AtomicFiles(boolean fsync, Disk disk) {
		this.fsync = fsync;
		this.disk = disk;
		this.folderFlushes = new FolderFlushes(disk);
	}

	/**
	 * Publishes a new file that must not exist yet.
	 * @throws FileAlreadyExistsException if the target exists; it is left as it was
	 */
	public void publishNew(Path target, byte[] content) throws IOException {
		publishNew(target, content, this.fsync);
		syncFolder(target.getParent(), target);
	}

	/**
	 * Publishes a new file as {@link #publishNew} does, whole or not at all, but flushes neither it nor its folder: for
	 * a file that can be made again from others that are flushed, which a power cut may take or leave empty (a
	 * {@code DONE} record, which its result's header holds).
	 * @throws FileAlreadyExistsException if the target exists; it is left as it was
	 */
	public void publishNewUnflushed(Path target, byte[] content) throws IOException {
		publishNew(target, content, false);
	}

	private void publishNew(Path target, byte[] content, boolean flush) throws IOException {
		Path temp = writeTemp(target, content, flush);
		try {
			this.disk.link(target, temp);
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	/** Replaces a file, or creates it, atomically: readers see the old content or the new, never a mix. */
	public void replace(Path target, byte[] content) throws IOException {
		replace(writeTemp(target, content, this.fsync), target);
	}

	/**
	 * Replaces a file as {@link #replace(Path, byte[])} does, with what {@code content} writes to a stream: for a
	 * large file, which is then never whole in memory (the manifest's snapshot, 26 MB at 100,000 tasks, took twice
	 * that while it was built, enough to grow the heap for good).
	 * @return how many bytes the file holds
	 */
	public long replace(Path target, Content content) throws IOException {
		long[] written = new long[1];
		replace(writeTemp(target, (temp, channel) -> {
			ChannelOutput output = new ChannelOutput(temp, channel);
			OutputStream out = new BufferedOutputStream(output, STREAM_BUFFER);
			content.writeTo(out);
			out.flush();
			written[0] = output.written;
		}), target);
		return written[0];
	}

	private void replace(Path temp, Path target) throws IOException {
		try {
			this.disk.replace(temp, target);
		}
		catch (IOException ex) {
			Files.deleteIfExists(temp);
			throw ex;
		}
		syncFolder(target.getParent(), target);
	}

	/**
	 * Appends to an existing file in one write, without flushing it: for the manifest's journal, which is derived
	 * from the files and whose readers ignore a last line cut off by a crash.
	 * @throws NoSuchFileException if the file is gone
	 */
	public void appendUnflushed(Path target, byte[] content) throws IOException {
		try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
				LinkOption.NOFOLLOW_LINKS)) {
			this.disk.write(target, channel, ByteBuffer.wrap(content));
		}
	}

	/**
	 * Renames a file, never over an existing file: in one atomic step, or by linking and unlinking where the system
	 * cannot.
	 * @return false when the source is gone: another process moved it first
	 * @throws FileAlreadyExistsException if the target exists
	 */
	public boolean move(Path source, Path target) throws IOException {
		if (!moveUnflushed(source, target)) {
			return false;
		}
		syncFolder(target.getParent(), target);
		if (!source.getParent().equals(target.getParent())) {
			syncFolder(source.getParent(), target);
		}
		return true;
	}

	/**
	 * Renames as {@link #move} does, but flushes neither folder: for a change whose loss in a power cut costs nothing
	 * that was promised (a claim, which then ends as if its agent had died: the task is taken again). A later flush of
	 * the folder, for any name, makes it last.
	 * @return false when the source is gone: another process moved it first
	 * @throws FileAlreadyExistsException if the target exists
	 */
	public boolean moveUnflushed(Path source, Path target) throws IOException {
		try {
			if (!renameWithoutReplacing(source, target) && !linkThenUnlink(source, target)) {
				return false;
			}
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (FileAlreadyExistsException ex) {
			throw ex;
		}
		catch (IOException ex) {
			if (Files.exists(source, LinkOption.NOFOLLOW_LINKS) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			// The rename reported failure but happened: a retransmitted RENAME on NFS, which the server made the first
			// time and answers the second with an error. It counts, and is flushed, like any other.
			logger.warn("Renaming " + source + " to " + target + " reported \"" + ex.getMessage()
					+ "\", but the rename happened; going on");
		}
		return true;
	}

	/**
	 * Moves a file to another folder by linking it there, never over an existing file, and unlinking the old name
	 * once the new one is flushed, so that a power cut leaves at least one. The unlink is not flushed: a power cut may
	 * bring back the old name as a spare copy.
	 * @throws FileAlreadyExistsException if the target exists; the source is kept
	 * @throws NoSuchFileException if the source is gone
	 */
	public void relink(Path source, Path target) throws IOException {
		this.disk.link(target, source);
		syncFolder(target.getParent(), target);
		try {
			this.disk.delete(source);
		}
		catch (NoSuchFileException ex) {
			// Someone removed the old name first; the new one is what counts.
		}
	}

	/**
	 * Gives a file a second name, never over an existing file, and flushes nothing: the caller keeps the first name
	 * until a {@link #flushFolder flush} of the new name's folder that began after the link has ended.
	 * @throws FileAlreadyExistsException if the target exists
	 * @throws NoSuchFileException if the source is gone
	 */
	public void linkUnflushed(Path source, Path target) throws IOException {
		this.disk.link(target, source);
	}

	/**
	 * Flushes a folder, so that the names made in it before the flush began survive a power cut; shared with others
	 * flushing it at once. Does nothing without {@code fsync}.
	 */
	public void flushFolder(Path folder) throws IOException {
		syncFolder(folder, folder);
	}

	/** Removes a name, which a power cut may bring back: the removal is not flushed. */
	public void deleteIfExists(Path file) throws IOException {
		try {
			this.disk.delete(file);
		}
		catch (NoSuchFileException ex) {
			// Gone already.
		}
	}

	/** Whether files and folders are flushed to disk ({@code spool.fsync}). */
	public boolean flushes() {
		return this.fsync;
	}

	/** Creates an empty file exclusively, the way to reserve a name. */
	public void createExclusive(Path target) throws IOException {
		this.disk.createNew(target);
		syncFolder(target.getParent(), target);
	}

	/**
	 * Removes temporary files that a process which died while writing left behind in these folders, once they are
	 * {@code olderThan} old by the clock that stamps the folder's files (see {@link #folderSkew}).
	 */
	public void removeLeftovers(List<Path> folders, Duration olderThan) {
		for (Path folder : folders) {
			try {
				List<Path> temps = new ArrayList<>();
				FolderNames.forEach(folder, (name) -> {
					if (isTemp(name)) {
						temps.add(folder.resolve(name));
					}
				});
				if (temps.isEmpty()) {
					// No file made in the folder to learn its clock.
					continue;
				}
				Instant cutoff = Instant.now().plus(folderSkew(folder)).minus(olderThan);
				for (Path temp : temps) {
					if (Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
						Files.deleteIfExists(temp);
					}
				}
			}
			catch (IOException ex) {
				logger.warn("Could not clear leftover temporary files in " + folder + ": " + ex.getMessage());
			}
		}
	}

	/** Whether a name is one of a temporary file, {@code .<name>.tmp}: tested by hand, in folders of 100,000 names. */
	private static boolean isTemp(String name) {
		return name.length() > ".tmp".length() && name.startsWith(".") && name.endsWith(".tmp");
	}

	/**
	 * How far the clock that stamps this folder's files is from this host's: the modification time of a file made in
	 * it and removed at once, less this host's time then. On a network filesystem the server stamps files, and its
	 * clock may be minutes from this host's; the age of a file another host wrote is judged by this host's time plus
	 * this, never by this host's time alone. Zero where the folder cannot be written.
	 */
	public Duration folderSkew(Path folder) {
		Path probe = folder.resolve(".now-" + UUID.randomUUID());
		try {
			long before = System.currentTimeMillis();
			this.disk.createNew(probe);
			long after = System.currentTimeMillis();
			try {
				long stamped = Files.getLastModifiedTime(probe, LinkOption.NOFOLLOW_LINKS).toMillis();
				return Duration.ofMillis(stamped - (before + after) / 2);
			}
			finally {
				Files.deleteIfExists(probe);
			}
		}
		catch (IOException ex) {
			logger.debug("Could not read the clock of " + folder + "; judging ages by this host's: " + ex.getMessage());
			return Duration.ZERO;
		}
	}

	/** @return false when this filesystem has no rename that refuses to replace, so the caller links instead */
	private boolean renameWithoutReplacing(Path source, Path target) throws IOException {
		if (this.linkInsteadOfRename) {
			return false;
		}
		if (this.disk.renameWithoutReplacing(source, target)) {
			return true;
		}
		this.linkInsteadOfRename = true;
		logger.info("Moves link the new name and unlink the old: this system cannot rename without replacing");
		return false;
	}

	/** @return false when another mover unlinked the source between our link and unlink, and so won */
	private boolean linkThenUnlink(Path source, Path target) throws IOException {
		this.disk.link(target, source);
		try {
			this.disk.delete(source);
			return true;
		}
		catch (NoSuchFileException ex) {
			if (isOnlyName(target)) {
				// Nobody else holds the file: a repair took the old name, seeing our pair as left by a crash.
				return true;
			}
			this.disk.delete(target);
			return false;
		}
		catch (IOException ex) {
			// Leave the file under its old name alone; if this fails too, the next opening resolves the pair.
			try {
				Files.deleteIfExists(target);
			}
			catch (IOException undo) {
				ex.addSuppressed(undo);
			}
			throw ex;
		}
	}

	private static boolean isOnlyName(Path file) {
		try {
			return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() == 1;
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return false;
		}
	}

	private Path writeTemp(Path target, byte[] content, boolean flush) throws IOException {
		return writeTemp(target, (temp, channel) -> this.disk.write(temp, channel, ByteBuffer.wrap(content)), flush);
	}

	private Path writeTemp(Path target, Writing writing) throws IOException {
		return writeTemp(target, writing, this.fsync);
	}

	private Path writeTemp(Path target, Writing writing, boolean flush) throws IOException {
		Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
		try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
			writing.write(temp, channel);
			if (flush) {
				force(temp, channel);
			}
		}
		catch (IOException | RuntimeException ex) {
			Files.deleteIfExists(temp);
			throw ex;
		}
		return temp;
	}

	private void force(Path temp, FileChannel channel) throws IOException {
		try {
			this.disk.force(temp, channel);
		}
		catch (IOException ex) {
			throw new IOException("could not flush " + temp + " to disk: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Flushes a folder that changed, for a name that was just created. Threads that need one folder flushed at once
	 * share a flush that began after their change (group commit), so the cost is paid once per burst, not per name.
	 */
	private void syncFolder(Path folder, Path name) throws IOException {
		if (!this.fsync || this.folderSyncUnsupported) {
			return;
		}
		try {
			this.folderFlushes.flush(folder);
		}
		catch (IOException ex) {
			// Windows cannot open a folder for flushing; its renames are journaled by NTFS instead.
			if (System.getProperty("os.name", "").startsWith("Windows")) {
				this.folderSyncUnsupported = true;
				logger.info("This platform cannot flush folders; renames rely on the filesystem's journal");
				return;
			}
			throw new NotDurableException(name + " is in place, but may not survive a power cut: could not flush "
					+ folder + " to disk: " + ex.getMessage(), ex);
		}
	}

	/** A change that was made, and others may see, but that could not be flushed to disk. */
	static final class NotDurableException extends IOException {

		NotDurableException(String message, IOException cause) {
			super(message, cause);
		}

	}

	/** What a file is to hold, written to a stream; the stream is the writer's to flush, not to close. */
	@FunctionalInterface
	public interface Content {

		void writeTo(OutputStream out) throws IOException;

	}

	/** Writes a temporary file's content through its channel. */
	@FunctionalInterface
	private interface Writing {

		void write(Path temp, FileChannel channel) throws IOException;

	}

	/**
	 * A stream onto a temporary file's channel, each write through {@link Disk}, counting what it wrote; closing it
	 * leaves the channel open.
	 */
	private final class ChannelOutput extends OutputStream {

		private final Path temp;

		private final FileChannel channel;

		private long written;

		ChannelOutput(Path temp, FileChannel channel) {
			this.temp = temp;
			this.channel = channel;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			AtomicFiles.this.disk.write(this.temp, this.channel, ByteBuffer.wrap(bytes, offset, length));
			this.written += length;
		}

	}

}
