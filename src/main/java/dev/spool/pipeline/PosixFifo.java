package dev.spool.pipeline;

import java.nio.file.Path;
import java.util.Arrays;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.SharedFile;

/**
 * Linux's {@code open}, {@code read}, {@code write}, {@code poll} and {@code close} through JNA, for named pipes:
 * Java can open a FIFO only blocking, and a blocked open or read cannot be given up.
 */
final class PosixFifo {

	private static final Log logger = LogFactory.getLog(PosixFifo.class);

	static final int O_RDONLY = SharedFile.Native.O_RDONLY;

	static final int O_WRONLY = SharedFile.Native.O_WRONLY;

	static final int EINTR = SharedFile.Native.EINTR;

	static final int ENXIO = SharedFile.Native.ENXIO;

	static final int EAGAIN = 11;

	static final int EPIPE = 32;

	static final short POLLIN = 1;

	static final short POLLOUT = 4;

	static final short POLLERR = 8;

	static final short POLLHUP = 16;

	static final boolean BOUND = bind();

	private PosixFifo() {
	}

	/** Opens a FIFO without waiting for the other end and without following a link at its name. */
	static int openNonBlocking(Path path, int mode) throws LastErrorException {
		return SharedFile.Native.open(SharedFile.nativePath(path), mode | SharedFile.Native.O_NONBLOCK
				| SharedFile.Native.O_CLOEXEC | SharedFile.Native.O_NOFOLLOW | SharedFile.Native.O_NOCTTY);
	}

	/** Waits up to {@code millis} for one of {@code events} on a file descriptor; returns the events seen. */
	static short pollOne(int fd, short events, int millis) {
		try (Memory pollfd = new Memory(8)) {
			pollfd.setInt(0, fd);
			pollfd.setShort(4, events);
			pollfd.setShort(6, (short) 0);
			try {
				return (poll(pollfd, new NativeLong(1), millis) > 0) ? pollfd.getShort(6) : 0;
			}
			catch (LastErrorException ex) {
				if (ex.getErrorCode() == EINTR) {
					return 0;
				}
				throw ex;
			}
		}
	}

	static int readSome(int fd, byte[] buffer) throws LastErrorException {
		return read(fd, buffer, new NativeLong(buffer.length)).intValue();
	}

	static int writeSome(int fd, byte[] buffer, int length) throws LastErrorException {
		byte[] part = (length == buffer.length) ? buffer : Arrays.copyOf(buffer, length);
		return write(fd, part, new NativeLong(length)).intValue();
	}

	static void closeQuietly(int fd) {
		SharedFile.Native.closeQuietly(fd);
	}

	private static native NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

	private static native NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

	private static native int poll(Pointer fds, NativeLong count, int timeout) throws LastErrorException;

	private static boolean bind() {
		// The flag values above are Linux's; other systems number them differently.
		if (!Platform.isLinux() || !SharedFile.Native.BOUND) {
			return false;
		}
		try {
			Native.register(PosixFifo.class, "c");
			return true;
		}
		catch (LinkageError ex) {
			logger.info("libc could not be bound for named pipes (" + ex.getMessage() + "); fifo pipelines are off");
			return false;
		}
	}

}
