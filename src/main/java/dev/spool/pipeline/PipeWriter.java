package dev.spool.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.spool.Durations;
import dev.spool.workspace.SharedFile;

import com.sun.jna.LastErrorException;

/**
 * The writing end of one attempt's named pipe. It never blocks the model's stream: what the reader has not taken yet
 * is kept, and handed over when the pipe has room. Closing it closes the pipe and removes it, so the next attempt
 * writes into a new one.
 */
public final class PipeWriter implements AutoCloseable {

	private final Path path;

	private final SharedFile.Identity fileKey;

	private final ByteArrayOutputStream waiting = new ByteArrayOutputStream();

	private int fd = -1;

	private long written;

	private String broken;

	private long lastProgress = System.nanoTime();

	PipeWriter(Path path, SharedFile.Identity fileKey) {
		this.path = path;
		this.fileKey = fileKey;
	}

	public Path path() {
		return this.path;
	}

	/** Hands bytes to the reader, or keeps them until it is there and has room; returns at once. */
	public synchronized void offer(byte[] bytes) {
		if (this.broken == null) {
			this.waiting.writeBytes(bytes);
			pump();
		}
	}

	/** Whether a reader has opened the pipe. */
	public synchronized boolean connected() {
		return this.fd >= 0;
	}

	/** Why the pipe no longer carries anything (the reader went away), or null while it does. */
	public synchronized String broken() {
		return this.broken;
	}

	/**
	 * Waits until everything offered has been written. While no reader has opened the pipe it waits only as long as
	 * {@code readerExpected} says one is coming, and at most {@code stall}; once one has, at most {@code stall}
	 * without progress.
	 * @return whether everything reached the pipe
	 */
	public boolean flush(BooleanSupplier readerExpected, Duration stall) throws InterruptedException {
		long connectDeadline = System.nanoTime() + stall.toNanos();
		while (true) {
			synchronized (this) {
				pump();
				if (this.broken != null) {
					return false;
				}
				if (this.waiting.size() == 0) {
					return true;
				}
				if (this.fd < 0 && (!readerExpected.getAsBoolean() || System.nanoTime() > connectDeadline)) {
					return false;
				}
				if (this.fd >= 0 && System.nanoTime() - this.lastProgress > stall.toNanos()) {
					this.broken = "the reader took nothing for " + Durations.readable(stall);
					return false;
				}
			}
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			int local = this.fd;
			if (local >= 0) {
				PosixFifo.pollOne(local, PosixFifo.POLLOUT, 50);
			}
			else {
				Thread.sleep(20);
			}
		}
	}

	private void pump() {
		if (this.broken != null || (this.fd < 0 && !connect())) {
			return;
		}
		byte[] bytes = this.waiting.toByteArray();
		int offset = 0;
		try {
			while (offset < bytes.length) {
				byte[] rest = (offset == 0) ? bytes : java.util.Arrays.copyOfRange(bytes, offset, bytes.length);
				int n = PosixFifo.writeSome(this.fd, rest, rest.length);
				if (n <= 0) {
					break;
				}
				offset += n;
				this.written += n;
				this.lastProgress = System.nanoTime();
			}
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() != PosixFifo.EAGAIN && ex.getErrorCode() != PosixFifo.EINTR) {
				this.broken = (ex.getErrorCode() == PosixFifo.EPIPE) ? "the reader closed the pipe"
						: "writing to the pipe failed: " + ex.getMessage();
			}
		}
		this.waiting.reset();
		this.waiting.write(bytes, offset, bytes.length - offset);
	}

	/**
	 * Opens the pipe once its reader is there. The name is opened without following a link, and what was opened is
	 * checked to be the pipe this attempt made before a byte is written: whoever may write {@code pipes/} could have
	 * put a link to any file Spool's user can write in its place.
	 */
	private boolean connect() {
		int opened;
		try {
			opened = PosixFifo.openNonBlocking(this.path, PosixFifo.O_WRONLY);
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() != PosixFifo.ENXIO) {
				// Removed, replaced by a link, or not ours any more: nothing written can reach this attempt's reader.
				this.broken = "the pipe could not be opened: " + SharedFile.reason(ex);
			}
			return false;
		}
		if (!Pipes.isOurs(opened, this.path, this.fileKey)) {
			PosixFifo.closeQuietly(opened);
			this.broken = "the pipe was replaced by something else; nothing is written to it";
			return false;
		}
		this.fd = opened;
		this.lastProgress = System.nanoTime();
		return true;
	}

	/** Closes the pipe (a reader then sees its end) and removes it. */
	@Override
	public synchronized void close() {
		PosixFifo.closeQuietly(this.fd);
		this.fd = -1;
		if (this.broken == null) {
			this.broken = "closed";
		}
		try {
			Pipes.removeIfSame(this.path, this.fileKey);
		}
		catch (IOException ex) {
			// Pipes.list shows it; the next attempt replaces it.
		}
	}

	@Override
	public String toString() {
		return this.path.getFileName() + " (" + this.written + " bytes written)";
	}

}
