package dev.spool.workspace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A file in a folder that other users may write, opened once: never through a symbolic link, never waiting on a
 * named pipe, and judged by what the descriptor it was opened with says, never by looking at the path again. Whoever
 * writes {@code tasks/}, {@code outputs/} or {@code failures/} can swap a name for a link, a pipe or a huge file
 * between a look and a use; what this class reads or stamps is the file it checked.
 * <p>
 * On Linux (x86-64 and arm64) it opens with {@code O_NOFOLLOW | O_NONBLOCK} and checks with {@code statx} on the
 * descriptor. Elsewhere it falls back to Java's own calls, which refuse links but cannot avoid the race.
 */
public final class SharedFile implements Closeable {

	/** What a file is, as the descriptor says. */
	public enum Kind {

		REGULAR("a regular file"), DIRECTORY("a folder"), FIFO("a named pipe"), SOCKET("a socket"),
		LINK("a symbolic link"), DEVICE("a device"), OTHER("not a regular file");

		private final String words;

		Kind(String words) {
			this.words = words;
		}

		static Kind of(int mode) {
			return switch (mode & 0170000) {
				case 0100000 -> REGULAR;
				case 0040000 -> DIRECTORY;
				case 0010000 -> FIFO;
				case 0140000 -> SOCKET;
				case 0120000 -> LINK;
				case 0020000, 0060000 -> DEVICE;
				default -> OTHER;
			};
		}

	}

	/** Which file a name named: the same identity means the same file, whatever it is called now. */
	public record Identity(long deviceMajor, long deviceMinor, long inode) {
	}

	/**
	 * What the descriptor says of the file.
	 * @param owner the owning user's id, or -1 where the system does not say
	 * @param mode the permission bits (and set-id and sticky bits), or -1 where the system does not say
	 */
	public record Status(Kind kind, int owner, int mode, long size, Identity identity, Instant modified) {

		/** Whether users other than the owner (its group or anyone) may write it. */
		public boolean othersMayWrite() {
			return this.mode >= 0 && (this.mode & 022) != 0;
		}

	}

	/** A file that is not what Spool reads from a shared folder: a link, a pipe, a folder, a socket, a device. */
	public static final class RefusedFileException extends FileSystemException {

		private final Kind kind;

		RefusedFileException(Path path, Kind kind) {
			super(path.toString(), null, "is " + kind.words + ", not a regular file; Spool never follows links or "
					+ "opens pipes, sockets or devices in shared folders");
			this.kind = kind;
		}

		public Kind kind() {
			return this.kind;
		}

	}

	private static final Log logger = LogFactory.getLog(SharedFile.class);

	private static final int NO_FD = -1;

	private static final int READ_STEP = 8192;

	private final Path path;

	private final int fd;

	/** Used where the native calls are not available. */
	private final SeekableByteChannel channel;

	private final Status status;

	private SharedFile(Path path, int fd, SeekableByteChannel channel, Status status) {
		this.path = path;
		this.fd = fd;
		this.channel = channel;
		this.status = status;
	}

	/**
	 * Opens a file for reading without following a link at its name and without waiting, whatever it is.
	 * @throws NoSuchFileException if nothing has the name
	 * @throws RefusedFileException if the name is a symbolic link
	 */
	public static SharedFile open(Path path) throws IOException {
		if (!Native.BOUND) {
			return openPortably(path);
		}
		int fd;
		try {
			fd = Native.open(nativePath(path), Native.O_RDONLY | Native.O_NOFOLLOW | Native.O_NONBLOCK
					| Native.O_CLOEXEC | Native.O_NOCTTY);
		}
		catch (LastErrorException ex) {
			throw exception(path, ex);
		}
		try {
			return new SharedFile(path, fd, null, Native.status(fd, path));
		}
		catch (IOException | RuntimeException ex) {
			Native.closeQuietly(fd);
			throw ex;
		}
	}

	/**
	 * Opens a regular file for reading, as {@link #open(Path)} does, and refuses anything else.
	 * @throws RefusedFileException if the name is a link, a pipe, a folder, a socket or a device
	 */
	public static SharedFile openRegular(Path path) throws IOException {
		SharedFile file = open(path);
		if (file.status.kind() != Kind.REGULAR) {
			file.close();
			throw new RefusedFileException(path, file.status.kind());
		}
		return file;
	}

	/** Reads at most {@code limit} bytes of a regular file; see {@link #openRegular(Path)}. */
	public static byte[] readRegular(Path path, int limit) throws IOException {
		try (SharedFile file = openRegular(path)) {
			return file.read(limit);
		}
	}

	/** What the name is now, without following a link: empty when nothing has the name. */
	public static Optional<Status> statusAt(Path path) throws IOException {
		if (!Native.BOUND) {
			try {
				return Optional.of(portableStatus(path));
			}
			catch (NoSuchFileException ex) {
				return Optional.empty();
			}
		}
		try {
			return Optional.of(Native.statusAt(path));
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == Native.ENOENT || ex.getErrorCode() == Native.ENOTDIR) {
				return Optional.empty();
			}
			throw exception(path, ex);
		}
	}

	/**
	 * Whether anything has the name, a link included (never followed): {@link Files#exists} with
	 * {@link LinkOption#NOFOLLOW_LINKS}, without the exception Java builds for every name that is missing.
	 */
	public static boolean exists(Path path) {
		if (!Native.BOUND) {
			return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
		}
		if (Native.faccessat(Native.AT_FDCWD, nativePath(path), Native.F_OK, Native.AT_SYMLINK_NOFOLLOW) == 0) {
			return true;
		}
		int error = com.sun.jna.Native.getLastError();
		// Anything but a missing name (a container whose filter refuses the call, say) is asked again the usual way.
		return error != Native.ENOENT && error != Native.ENOTDIR && Files.exists(path, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Whether the name is a regular file, a link never followed: {@link Files#isRegularFile} with
	 * {@link LinkOption#NOFOLLOW_LINKS}, without the exception Java builds when nothing has the name (a task's output
	 * before it is done, looked for at every read of a task).
	 */
	public static boolean isRegularFile(Path path) {
		if (!Native.BOUND) {
			return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
		}
		// One statx asking for the type alone: a done task's result is looked at so at every read of the task.
		Kind kind = Native.kindAt(path);
		if (kind != null) {
			return kind == Kind.REGULAR;
		}
		int error = com.sun.jna.Native.getLastError();
		// As exists: anything but a missing name is asked again the usual way.
		return error != Native.ENOENT && error != Native.ENOTDIR && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
	}

	/** The effective user id of this process, or -1 where the system does not say. */
	public static int processOwner() {
		return Native.BOUND ? Native.geteuid() : -1;
	}

	/** Whether the checks are made on the opened descriptor (Linux), rather than by looking at the path first. */
	public static boolean raceFree() {
		return Native.BOUND;
	}

	public Path path() {
		return this.path;
	}

	public Status status() {
		return this.status;
	}

	/** What the descriptor says of the file now, as after {@link #setModified(Instant)}. */
	public Status restat() throws IOException {
		if (this.channel != null) {
			return portableStatus(this.path);
		}
		return Native.status(this.fd, this.path);
	}

	/** Reads from where the last read ended, at most {@code limit} bytes, until the end of the file. */
	public byte[] read(int limit) throws IOException {
		// Sized by what the descriptor said of the file, and a byte more to find its end: a file read whole takes
		// one call that fills all but that byte, rather than 8 KiB steps and one more that finds nothing.
		long expected = (this.status.kind() == Kind.REGULAR) ? this.status.size() + 1 : READ_STEP;
		byte[] buffer = new byte[(int) Math.max(0, Math.min(limit, expected))];
		int length = 0;
		while (length < limit) {
			if (length == buffer.length) {
				buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max(READ_STEP, 2L * buffer.length)));
			}
			int asked = buffer.length - length;
			int read = readSome(buffer, length, asked);
			if (read < 0) {
				break;
			}
			length += read;
			// A regular file that gave less than asked, once all it held when opened is in, is at its end: no call
			// more to be told so. (A filesystem that gives less in the middle of a file, as some FUSE ones do, is
			// read on.)
			if (read < asked && this.status.kind() == Kind.REGULAR && length >= this.status.size()) {
				break;
			}
		}
		return (length == buffer.length) ? buffer : Arrays.copyOf(buffer, length);
	}

	/** The file's bytes from where the last read ended; closing the stream leaves the file open. */
	public InputStream inputStream() {
		return new InputStream() {

			private final byte[] one = new byte[1];

			@Override
			public int read() throws IOException {
				return (read(this.one, 0, 1) < 0) ? -1 : (this.one[0] & 0xff);
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				return SharedFile.this.readSome(buffer, offset, length);
			}

		};
	}

	private int readSome(byte[] buffer, int offset, int length) throws IOException {
		if (length == 0) {
			return 0;
		}
		if (this.channel != null) {
			return this.channel.read(ByteBuffer.wrap(buffer, offset, length));
		}
		byte[] target = (offset == 0) ? buffer : new byte[length];
		while (true) {
			try {
				int n = (int) Native.read(this.fd, target, length);
				if (n <= 0) {
					return -1;
				}
				if (target != buffer) {
					System.arraycopy(target, 0, buffer, offset, n);
				}
				return n;
			}
			catch (LastErrorException ex) {
				if (ex.getErrorCode() != Native.EINTR) {
					throw exception(this.path, ex);
				}
			}
		}
	}

	/** Sets the modification time of the file this descriptor opened (not of whatever now has its name). */
	public void setModified(Instant time) throws IOException {
		if (this.channel != null) {
			Files.getFileAttributeView(this.path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
				.setTimes(FileTime.from(time), null, null);
			return;
		}
		try {
			Native.setModified(this.fd, time);
		}
		catch (LastErrorException ex) {
			throw exception(this.path, ex);
		}
	}

	@Override
	public void close() throws IOException {
		if (this.channel != null) {
			this.channel.close();
		}
		else {
			Native.closeQuietly(this.fd);
		}
	}

	private static SharedFile openPortably(Path path) throws IOException {
		Status status = portableStatus(path);
		if (status.kind() == Kind.LINK) {
			throw new RefusedFileException(path, Kind.LINK);
		}
		if (status.kind() != Kind.REGULAR) {
			// Opening a pipe would wait for its writer; what is not a regular file is never read.
			return new SharedFile(path, NO_FD, SeekableEmpty.INSTANCE, status);
		}
		return new SharedFile(path, NO_FD,
				Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), status);
	}

	private static Status portableStatus(Path path) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
				LinkOption.NOFOLLOW_LINKS);
		Kind kind = attributes.isSymbolicLink() ? Kind.LINK : attributes.isRegularFile() ? Kind.REGULAR
				: attributes.isDirectory() ? Kind.DIRECTORY : Kind.OTHER;
		int mode = -1;
		try {
			Set<PosixFilePermission> permissions = Files
				.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
				.permissions();
			mode = 0;
			for (PosixFilePermission permission : permissions) {
				mode |= 0400 >> permission.ordinal();
			}
		}
		catch (UnsupportedOperationException ex) {
			// No POSIX permissions here.
		}
		return new Status(kind, -1, mode, attributes.size(), null, attributes.lastModifiedTime().toInstant());
	}

	static IOException exception(Path path, LastErrorException ex) {
		String reason = reason(ex);
		return switch (ex.getErrorCode()) {
			case Native.ENOENT, Native.ENOTDIR -> new NoSuchFileException(path.toString(), null, reason);
			case Native.ELOOP -> new RefusedFileException(path, Kind.LINK);
			// A socket cannot be opened at all.
			case Native.ENXIO -> new RefusedFileException(path, Kind.SOCKET);
			case Native.EACCES, Native.EPERM -> new AccessDeniedException(path.toString(), null, reason);
			default -> new FileSystemException(path.toString(), null, reason);
		};
	}

	/** The system's message alone: JNA prefixes it with the number. */
	public static String reason(LastErrorException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.startsWith("[") ? message.substring(message.indexOf(']') + 1).strip() : message;
	}

	public static byte[] nativePath(Path path) {
		byte[] bytes = path.toAbsolutePath().toString().getBytes(Native.PATHS);
		return Arrays.copyOf(bytes, bytes.length + 1);
	}

	/** A channel with nothing in it, for what is never read. */
	private static final class SeekableEmpty implements SeekableByteChannel {

		static final SeekableEmpty INSTANCE = new SeekableEmpty();

		@Override
		public int read(ByteBuffer dst) {
			return -1;
		}

		@Override
		public int write(ByteBuffer src) {
			throw new UnsupportedOperationException();
		}

		@Override
		public long position() {
			return 0;
		}

		@Override
		public SeekableByteChannel position(long newPosition) {
			return this;
		}

		@Override
		public long size() {
			return 0;
		}

		@Override
		public SeekableByteChannel truncate(long size) {
			return this;
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
		}

	}

	/** Linux's {@code open}, {@code statx}, {@code read}, {@code futimens} and {@code close} through JNA. */
	public static final class Native {

		public static final int O_RDONLY = 0;

		public static final int O_WRONLY = 1;

		public static final int O_NONBLOCK = 04000;

		public static final int O_NOCTTY = 0400;

		public static final int O_CLOEXEC = 02000000;

		/** The one flag whose value differs between x86-64 and arm64. */
		public static final int O_NOFOLLOW = Platform.isARM() ? 0100000 : 0400000;

		static final int EPERM = 1;

		static final int ENOENT = 2;

		public static final int EINTR = 4;

		public static final int ENXIO = 6;

		static final int EACCES = 13;

		static final int ENOTDIR = 20;

		static final int ELOOP = 40;

		private static final int AT_FDCWD = -100;

		private static final int AT_SYMLINK_NOFOLLOW = 0x100;

		private static final int F_OK = 0;

		private static final int AT_EMPTY_PATH = 0x1000;

		private static final int STATX_BASIC_STATS = 0x7ff;

		private static final int STATX_TYPE = 0x1;

		/** {@code struct statx}: 256 bytes, its fields at fixed offsets. */
		private static final int STATX_SIZE = 256;

		/** Where {@code stx_mode}, type and permissions, is in it. */
		private static final int MODE_AT = 28;

		private static final long UTIME_OMIT = (1L << 30) - 2;

		private static final byte[] EMPTY_PATH = { 0 };

		static final Charset PATHS = pathCharset();

		public static final boolean BOUND = bind();

		private Native() {
		}

		public static Status status(int fd, Path path) throws IOException {
			try {
				return statx(fd, EMPTY_PATH, AT_EMPTY_PATH);
			}
			catch (LastErrorException ex) {
				throw exception(path, ex);
			}
		}

		static Status statusAt(Path path) throws LastErrorException {
			return statx(AT_FDCWD, nativePath(path), AT_SYMLINK_NOFOLLOW);
		}

		private static Status statx(int folder, byte[] path, int flags) throws LastErrorException {
			// A Java array, which JNA copies back after the call, read as the kernel wrote it: JNA's Memory cost a
			// native allocation, a cleaner and a call into native code for each field, three quarters of the look at
			// each of the 300,000 files that a start on 100,000 tasks opens.
			byte[] struct = new byte[STATX_SIZE];
			statx(folder, path, flags, STATX_BASIC_STATS, struct);
			ByteBuffer buffer = ByteBuffer.wrap(struct).order(ByteOrder.nativeOrder());
			int mode = buffer.getShort(MODE_AT) & 0xffff;
			Identity identity = new Identity(Integer.toUnsignedLong(buffer.getInt(136)),
					Integer.toUnsignedLong(buffer.getInt(140)), buffer.getLong(32));
			Instant modified = Instant.ofEpochSecond(buffer.getLong(112), Integer.toUnsignedLong(buffer.getInt(120)));
			return new Status(Kind.of(mode), buffer.getInt(20), mode & 07777, buffer.getLong(40), identity, modified);
		}

		/**
		 * What the name is, a link not followed, from a statx that asks for the type alone; null when the call failed,
		 * errno saying why.
		 */
		static Kind kindAt(Path path) {
			byte[] struct = new byte[STATX_SIZE];
			if (Quietly.statx(AT_FDCWD, nativePath(path), AT_SYMLINK_NOFOLLOW, STATX_TYPE, struct) != 0) {
				return null;
			}
			return Kind.of(ByteBuffer.wrap(struct).order(ByteOrder.nativeOrder()).getShort(MODE_AT) & 0xffff);
		}

		static void setModified(int fd, Instant time) throws LastErrorException {
			// Two timespecs, each two 64-bit fields on the 64-bit Linux this is bound on: access left as it is.
			futimens(fd, new long[] { 0, UTIME_OMIT, time.getEpochSecond(), time.getNano() });
		}

		public static void closeQuietly(int fd) {
			if (fd >= 0) {
				try {
					close(fd);
				}
				catch (LastErrorException ex) {
					logger.debug("close(" + fd + ") failed: " + ex.getMessage());
				}
			}
		}

		public static native int open(byte[] path, int flags) throws LastErrorException;

		/** {@code ssize_t} and {@code size_t} as Java's long: bound only on 64-bit Linux (see {@link #bind}). */
		static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

		private static native int statx(int folder, byte[] path, int flags, int mask, byte[] buffer)
				throws LastErrorException;

		private static native int futimens(int fd, long[] times) throws LastErrorException;

		static native int geteuid();

		/** Declared without {@link LastErrorException}: its callers want the answer, not the reason. */
		private static native int faccessat(int folder, byte[] path, int mode, int flags);

		private static native int close(int fd) throws LastErrorException;

		/**
		 * Calls whose callers expect a missing name and ask errno themselves: JNA's exception, with its stack, would
		 * cost more than the call.
		 */
		private static final class Quietly {

			private static native int statx(int folder, byte[] path, int flags, int mask, byte[] buffer);

		}

		private static boolean bind() {
			// The flag values above are Linux's on x86-64 and arm64; other systems and machines number them otherwise.
			if (!Platform.isLinux() || !(Platform.isIntel() && Platform.is64Bit() || Platform.isARM() && Platform.is64Bit())) {
				logger.info("Files in shared folders are checked by path on this system, which another user can race");
				return false;
			}
			try {
				com.sun.jna.Native.register(Native.class, "c");
				com.sun.jna.Native.register(Quietly.class, "c");
				return true;
			}
			catch (LinkageError ex) {
				// A libc before glibc 2.28 has no statx.
				logger.warn("libc could not be bound (" + ex.getMessage() + "); files in shared folders are checked "
						+ "by path, which another user can race");
				return false;
			}
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

}
