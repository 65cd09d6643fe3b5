package dev.spool.watch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Linux's {@code inotify(7)} through JNA, which, unlike Java's {@code WatchService}, tells a file renamed into a
 * folder from one created there, and says when a writer closed a file. One thread reads it; another may wake it.
 */
final class Inotify implements FileEvents {

	private static final Log logger = LogFactory.getLog(Inotify.class);

	static final int IN_MODIFY = 0x2;

	static final int IN_ATTRIB = 0x4;

	static final int IN_CLOSE_WRITE = 0x8;

	static final int IN_MOVED_FROM = 0x40;

	static final int IN_MOVED_TO = 0x80;

	static final int IN_CREATE = 0x100;

	static final int IN_DELETE = 0x200;

	static final int IN_Q_OVERFLOW = 0x4000;

	private static final int IN_ONLYDIR = 0x01000000;

	private static final int WATCHED = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
			| IN_DELETE | IN_ONLYDIR;

	/** {@code IN_NONBLOCK | IN_CLOEXEC}, the same values as {@code EFD_NONBLOCK | EFD_CLOEXEC}. */
	private static final int NONBLOCK_CLOEXEC = 0x800 | 0x80000;

	private static final short POLLIN = 1;

	private static final int EINTR = 4;

	private static final int EAGAIN = 11;

	/** Room for hundreds of events per read; the kernel queues up to {@code max_queued_events} (16,384) more. */
	private static final int BUFFER = 64 * 1024;

	private static final Charset PATHS = pathCharset();

	private static final boolean BOUND = bind();

	private final int fd;

	private final int wakeFd;

	private final Map<Integer, Path> folders = new HashMap<>();

	private final byte[] buffer = new byte[BUFFER];

	private volatile boolean closed;

	private boolean released;

	private Inotify(int fd, int wakeFd) {
		this.fd = fd;
		this.wakeFd = wakeFd;
	}

	/**
	 * Watches these folders.
	 * @return empty where there is no inotify (not Linux, no JNA) or it cannot be had (the limit of instances)
	 */
	static Optional<FileEvents> watch(List<Path> folders) {
		if (!BOUND) {
			return Optional.empty();
		}
		int fd;
		try {
			fd = inotify_init1(NONBLOCK_CLOEXEC);
		}
		catch (LastErrorException ex) {
			logger.warn("Cannot use inotify (" + ex.getMessage() + "); watching with Java's WatchService instead");
			return Optional.empty();
		}
		Inotify inotify;
		try {
			inotify = new Inotify(fd, eventfd(0, NONBLOCK_CLOEXEC));
		}
		catch (LastErrorException ex) {
			closeQuietly(fd);
			logger.warn("Cannot use inotify (" + ex.getMessage() + "); watching with Java's WatchService instead");
			return Optional.empty();
		}
		try {
			for (Path folder : folders) {
				inotify.folders.put(inotify_add_watch(fd, nativePath(folder), WATCHED), folder);
			}
		}
		catch (LastErrorException ex) {
			inotify.release();
			logger.warn("Cannot watch " + folders + " with inotify (" + ex.getMessage()
					+ "); watching with Java's WatchService instead");
			return Optional.empty();
		}
		return Optional.of(inotify);
	}

	@Override
	public List<FileEvent> next(long timeoutNanos) throws IOException {
		if (this.closed) {
			throw new ClosedWatchServiceException();
		}
		long millis = (timeoutNanos + 999_999) / 1_000_000;
		byte[] fds = ByteBuffer.allocate(16)
			.order(ByteOrder.nativeOrder())
			.putInt(this.fd)
			.putShort(POLLIN)
			.putShort((short) 0)
			.putInt(this.wakeFd)
			.putShort(POLLIN)
			.putShort((short) 0)
			.array();
		try {
			if (poll(fds, new NativeLong(2), (int) Math.min(millis, Integer.MAX_VALUE)) <= 0) {
				return List.of();
			}
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == EINTR) {
				return List.of();
			}
			throw new IOException("inotify: " + ex.getMessage(), ex);
		}
		if (this.closed) {
			throw new ClosedWatchServiceException();
		}
		return read();
	}

	private List<FileEvent> read() throws IOException {
		int length;
		try {
			length = read(this.fd, this.buffer, new NativeLong(this.buffer.length)).intValue();
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == EAGAIN || ex.getErrorCode() == EINTR) {
				return List.of();
			}
			throw new IOException("inotify: " + ex.getMessage(), ex);
		}
		List<FileEvent> events = new ArrayList<>();
		ByteBuffer in = ByteBuffer.wrap(this.buffer, 0, length).order(ByteOrder.nativeOrder());
		while (in.remaining() >= 16) {
			int watch = in.getInt();
			int mask = in.getInt();
			in.getInt(); // the cookie that pairs a move's two halves; a move within a folder is seen as both anyway
			int nameLength = in.getInt();
			byte[] raw = new byte[nameLength];
			in.get(raw);
			int end = 0;
			while (end < raw.length && raw[end] != 0) {
				end++;
			}
			String name = new String(raw, 0, end, PATHS);
			if ((mask & IN_Q_OVERFLOW) != 0) {
				events.add(FileEvent.overflow());
				continue;
			}
			Path folder = this.folders.get(watch);
			FileEvent.Kind kind = kind(mask);
			if (folder != null && kind != null && !name.isEmpty()) {
				events.add(new FileEvent(folder, name, kind));
			}
		}
		return events;
	}

	private static FileEvent.Kind kind(int mask) {
		if ((mask & IN_MOVED_TO) != 0) {
			return FileEvent.Kind.MOVED_IN;
		}
		if ((mask & IN_CLOSE_WRITE) != 0) {
			return FileEvent.Kind.CLOSED;
		}
		if ((mask & IN_CREATE) != 0) {
			return FileEvent.Kind.CREATED;
		}
		if ((mask & IN_MODIFY) != 0) {
			return FileEvent.Kind.WRITTEN;
		}
		if ((mask & IN_ATTRIB) != 0) {
			return FileEvent.Kind.TOUCHED;
		}
		if ((mask & (IN_DELETE | IN_MOVED_FROM)) != 0) {
			return FileEvent.Kind.GONE;
		}
		return null;
	}

	/** Makes a waiting {@link #next} return; the reading thread then closes. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		byte[] one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(1).array();
		try {
			write(this.wakeFd, one, new NativeLong(one.length));
		}
		catch (LastErrorException ex) {
			// Nobody waits, or the counter is full: either way a reader sees closed.
		}
	}

	/** Releases the descriptors; only the reading thread calls this, once it has stopped reading. */
	@Override
	public synchronized void release() {
		if (this.released) {
			return;
		}
		this.released = true;
		this.closed = true;
		closeQuietly(this.fd);
		closeQuietly(this.wakeFd);
	}

	private static void closeQuietly(int fd) {
		try {
			close(fd);
		}
		catch (LastErrorException ex) {
			// Closing on shutdown; nothing to do.
		}
	}

	private static native int inotify_init1(int flags) throws LastErrorException;

	private static native int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

	private static native int eventfd(int initial, int flags) throws LastErrorException;

	private static native int poll(byte[] fds, NativeLong count, int timeoutMillis) throws LastErrorException;

	private static native NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

	private static native NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

	private static native int close(int fd) throws LastErrorException;

	private static boolean bind() {
		if (!Platform.isLinux()) {
			return false;
		}
		try {
			Native.register(Inotify.class, "c");
			return true;
		}
		catch (LinkageError ex) {
			logger.info("inotify is not available (" + ex.getMessage() + "); watching with Java's WatchService");
			return false;
		}
	}

	private static byte[] nativePath(Path path) {
		byte[] bytes = path.toAbsolutePath().toString().getBytes(PATHS);
		return Arrays.copyOf(bytes, bytes.length + 1);
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
