package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.function.Consumer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The names in a folder, read many at a time. Java's {@link DirectoryStream} makes a native call and a {@link Path}
 * for every name; on Linux, {@code getdents64} fills 64 KiB with names in one call, which are read straight from the
 * buffer. A start on 100,000 tasks lists folders of 100,000 names six times on its main thread (the task files three
 * times, the results, the attempt records twice): 30-50 ms a listing instead of 150-180 ms. Elsewhere, and where libc
 * has no {@code getdents64} (before glibc 2.30), the names come from a {@link DirectoryStream}.
 */
public final class FolderNames {

	private static final Log logger = LogFactory.getLog(FolderNames.class);

	/** Enough for some 1,300 names of a task's length a call. */
	private static final int BUFFER_SIZE = 64 * 1024;

	/** {@code struct linux_dirent64}: inode and offset (8 bytes each), the record's length, its type, its name. */
	private static final int RECORD_LENGTH_AT = 16;

	private static final int NAME_AT = 19;

	private FolderNames() {
	}

	/**
	 * Gives every name in the folder but {@code .} and {@code ..} to {@code each}, in the order the system lists them,
	 * as {@link DirectoryStream} would (a link to a folder is followed, as it is there).
	 * @throws java.nio.file.NoSuchFileException if there is no such folder
	 * @throws NotDirectoryException if the name is not a folder
	 */
	public static void forEach(Path folder, Consumer<String> each) throws IOException {
		if (!Getdents.BOUND) {
			try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
				for (Path path : stream) {
					each.accept(path.getFileName().toString());
				}
			}
			catch (DirectoryIteratorException ex) {
				throw ex.getCause();
			}
			return;
		}
		int fd;
		try {
			fd = SharedFile.Native.open(SharedFile.nativePath(folder),
					SharedFile.Native.O_RDONLY | Getdents.O_DIRECTORY | SharedFile.Native.O_CLOEXEC);
		}
		catch (LastErrorException ex) {
			throw (ex.getErrorCode() == SharedFile.Native.ENOTDIR) ? new NotDirectoryException(folder.toString())
					: SharedFile.exception(folder, ex);
		}
		try {
			byte[] buffer = new byte[BUFFER_SIZE];
			ByteBuffer records = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
			while (true) {
				long filled;
				try {
					filled = Getdents.getdents64(fd, buffer, buffer.length);
				}
				catch (LastErrorException ex) {
					throw new FileSystemException(folder.toString(), null, SharedFile.reason(ex));
				}
				if (filled <= 0) {
					return;
				}
				for (int at = 0; at < filled;) {
					int length = records.getShort(at + RECORD_LENGTH_AT) & 0xffff;
					int end = at + NAME_AT;
					while (buffer[end] != 0) {
						end++;
					}
					if (!isDots(buffer, at + NAME_AT, end)) {
						each.accept(new String(buffer, at + NAME_AT, end - at - NAME_AT, SharedFile.Native.PATHS));
					}
					at += length;
				}
			}
		}
		finally {
			SharedFile.Native.closeQuietly(fd);
		}
	}

	/** Whether names are read many at a time here, rather than from a {@link DirectoryStream}. */
	static boolean batched() {
		return Getdents.BOUND;
	}

	private static boolean isDots(byte[] buffer, int start, int end) {
		return buffer[start] == '.' && (end == start + 1 || end == start + 2 && buffer[start + 1] == '.');
	}

	/** Linux's {@code getdents64} through JNA, bound apart: a libc without it still opens files the careful way. */
	private static final class Getdents {

		/** Linux's value on x86-64; arm64 numbers it otherwise. */
		static final int O_DIRECTORY = Platform.isARM() ? 040000 : 0200000;

		static final boolean BOUND = bind();

		private Getdents() {
		}

		/** {@code ssize_t} and {@code size_t} as Java's long: bound only where {@link SharedFile.Native} is. */
		static native long getdents64(int fd, byte[] buffer, long count) throws LastErrorException;

		private static boolean bind() {
			if (!SharedFile.Native.BOUND) {
				return false;
			}
			try {
				com.sun.jna.Native.register(Getdents.class, "c");
				return true;
			}
			catch (LinkageError ex) {
				logger.info("libc has no getdents64 (" + ex.getMessage() + "); folders are listed a name at a time");
				return false;
			}
		}

	}

}
