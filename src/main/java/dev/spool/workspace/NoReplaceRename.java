package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Linux's {@code renameat2(2)} with {@code RENAME_NOREPLACE}, through JNA: a rename that fails rather than replace. */
final class NoReplaceRename {

	private static final Log logger = LogFactory.getLog(NoReplaceRename.class);

	private static final int AT_FDCWD = -100;

	private static final int RENAME_NOREPLACE = 1;

	private static final int ENOENT = 2;

	private static final int EEXIST = 17;

	private static final int EXDEV = 18;

	private static final int EINVAL = 22;

	private static final int ENOSYS = 38;

	/** How the JDK encodes paths for the system, so that a folder with any name is found. */
	private static final Charset PATHS = pathCharset();

	private static final boolean BOUND = bind();

	private NoReplaceRename() {
	}

	/**
	 * Renames a file unless the target exists.
	 * @return false when the system has no such rename: not Linux, a libc or kernel too old, or a filesystem (NFS)
	 * that refuses the flag
	 * @throws FileAlreadyExistsException if the target exists; nothing changed
	 * @throws NoSuchFileException if the source is gone
	 */
	static boolean rename(Path source, Path target) throws IOException {
		if (!BOUND) {
			return false;
		}
		try {
			renameat2(AT_FDCWD, nativePath(source), AT_FDCWD, nativePath(target), RENAME_NOREPLACE);
			return true;
		}
		catch (LastErrorException ex) {
			String reason = reason(ex);
			return switch (ex.getErrorCode()) {
				case EINVAL, ENOSYS -> false;
				case EEXIST -> throw new FileAlreadyExistsException(target.toString());
				case ENOENT -> throw new NoSuchFileException(source.toString(), target.toString(), reason);
				case EXDEV -> throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), reason);
				default -> throw new FileSystemException(source.toString(), target.toString(), reason);
			};
		}
	}

	private static native int renameat2(int sourceFolder, byte[] source, int targetFolder, byte[] target, int flags)
			throws LastErrorException;

	private static boolean bind() {
		if (!Platform.isLinux()) {
			return false;
		}
		try {
			Native.register(NoReplaceRename.class, "c");
			return true;
		}
		catch (LinkageError ex) {
			// A libc before glibc 2.28 has no renameat2.
			logger.info("renameat2 is not available (" + ex.getMessage() + "); moves link and unlink instead");
			return false;
		}
	}

	private static byte[] nativePath(Path path) {
		byte[] bytes = path.toAbsolutePath().toString().getBytes(PATHS);
		return Arrays.copyOf(bytes, bytes.length + 1);
	}

	/** The system's message alone: JNA prefixes it with the number. */
	private static String reason(LastErrorException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.startsWith("[") ? message.substring(message.indexOf(']') + 1).strip() : message;
	}

	private static Charset pathCharset() {
		try {
			return Charset.forName(System.getProperty("sun.jnu.encoding"));
		}
		catch (RuntimeException ex) {
			return Charset.defaultCharset();
		}
	}

}
