package dev.spool.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

import dev.spool.workspace.SharedFile;

import com.sun.jna.LastErrorException;

/**
 * The reading end of a named pipe, opened without waiting for a writer. Until a writer has opened the pipe nothing
 * arrives and the end is not reported (Linux reports a FIFO's hang-up only after a writer came and went), so a reader
 * can wait for a writer in slices and give up whenever it likes. Closing it removes the pipe it read.
 */
final class PipeReader implements AutoCloseable {

	/** What {@link #poll} returns at the end of the stream: every writer has closed the pipe. */
	public static final int END = -1;

	private final Path path;

	private final SharedFile.Identity fileKey;

	private final int fd;

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	private final byte[] buffer = new byte[8192];

	private boolean connected;

	PipeReader(Path path, SharedFile.Identity fileKey, int fd) {
		this.path = path;
		this.fileKey = fileKey;
		this.fd = fd;
	}

	/**
	 * Waits up to {@code millis} for bytes and takes all that are there.
	 * @return how many bytes arrived, or {@link #END}
	 */
	public int poll(int millis) throws IOException {
		short events = PosixFifo.pollOne(this.fd, PosixFifo.POLLIN, millis);
		if (events == 0) {
			return 0;
		}
		this.connected = true;
		int total = 0;
		try {
			while (true) {
				int n = PosixFifo.readSome(this.fd, this.buffer);
				if (n == 0) {
					return (total > 0) ? total : END;
				}
				this.received.write(this.buffer, 0, n);
				total += n;
			}
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == PosixFifo.EAGAIN || ex.getErrorCode() == PosixFifo.EINTR) {
				return total;
			}
			throw new IOException("reading " + this.path.getFileName() + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Whether a writer has opened the pipe and sent something or closed it. */
	public boolean connected() {
		return this.connected;
	}

	/** Whether the pipe's name still names the pipe this reader opened, rather than nothing or a newer pipe. */
	public boolean stillAt() {
		return this.fileKey.equals(Pipes.fileKey(this.path));
	}

	/** Everything received so far. */
	public byte[] received() {
		return this.received.toByteArray();
	}

	/** Closes the pipe and removes it, unless its name has meanwhile gone to another attempt's pipe. */
	@Override
	public void close() {
		PosixFifo.closeQuietly(this.fd);
		try {
			Pipes.removeIfSame(this.path, this.fileKey);
		}
		catch (IOException ex) {
			// Left for the writer, which removes it too.
		}
	}

}
