package dev.spool.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.Durations;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Claim;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

/**
 * Carries a fifo pipeline's answers from stage to stage through named pipes while the model writes them. A stream is
 * the answer's UTF-8 bytes and then one NUL byte, the end marker; the writer's output file stays authoritative, so a
 * reader uses what it read only once the writing stage is done with exactly that output. See PROTOCOL.md, Pipelines.
 */
final class PipeTransport {

	private static final Log logger = LogFactory.getLog(PipeTransport.class);

	static final byte END_MARKER = 0;

	private static final int SLICE_MILLIS = 100;

	private final TaskStore store;

	private final Pipes pipes;

	private final Duration stall;

	PipeTransport(TaskStore store, Pipes pipes, Duration stall) {
		this.store = store;
		this.pipes = pipes;
		this.stall = stall;
	}

	/**
	 * The user message for a claimed task: its prompt, and for a fifo stage after the first the previous stage's whole
	 * answer, read from the pipe as it is written (or from its output, when it finished before this stage started).
	 * @throws PipeException when the previous stage's answer cannot be had whole; the attempt fails
	 */
	public String input(Claim claim, String prompt) throws InterruptedException {
		PipelineStage where = stageOf(claim).orElse(null);
		if (where == null || where.transport() != PipelineStage.Transport.FIFO || where.stage() == 1) {
			return prompt;
		}
		String previous = read(where);
		return prompt + "\n\n---\n\nThe answer of stage " + (where.stage() - 1) + " of " + where.pipeline() + ":\n\n"
				+ previous;
	}

	/** Where a claimed task's answer goes as it arrives: into the pipe to the next stage, for a fifo stage with one. */
	public Sink output(Claim claim) {
		PipelineStage where = stageOf(claim).orElse(null);
		if (where == null || where.transport() != PipelineStage.Transport.FIFO) {
			return Sink.NONE;
		}
		Optional<Task> next = Pipelines.stage(this.store.index(), where.pipeline(), where.stage() + 1);
		if (next.isEmpty()) {
			return Sink.NONE;
		}
		try {
			return new PipeSink(this.pipes.createWriter(where), next.get());
		}
		catch (IOException ex) {
			// The next stage then reads this one's output once it is done.
			logger.warn("No pipe for " + claim.id() + " (" + ex.getMessage() + "); the next stage reads its output");
			return Sink.NONE;
		}
	}

	private Optional<PipelineStage> stageOf(Claim claim) {
		return this.store.index().find(claim.id()).map((task) -> task.document().pipeline());
	}

	private String read(PipelineStage where) throws InterruptedException {
		int from = where.stage() - 1;
		String name = "stage " + from + " of " + where.pipeline();
		Task previous = Pipelines.stage(this.store.index(), where.pipeline(), from)
			.orElseThrow(() -> new PipeException(name + " does not exist"));
		PipeReader reader = null;
		int recordsAtOpen = 0;
		long lastProgress = System.nanoTime();
		try {
			while (true) {
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
				if (reader == null) {
					TaskState state = this.store.index().find(previous.id()).map(Task::state).orElse(null);
					if (state == TaskState.DONE) {
						// Finished before this stage could read it: its output is the answer.
						return committedOutput(previous, name, null);
					}
					if (state == null) {
						throw new PipeException(name + " (" + previous.id() + ") is gone, so there is no answer to read");
					}
					if (state != TaskState.IN_PROGRESS && state != TaskState.PENDING) {
						throw new WriterFailedException(name + " (" + previous.id() + ") is " + state.word()
								+ ", so there is no answer to read");
					}
					reader = this.pipes.openReader(where).orElse(null);
					if (reader == null) {
						Thread.sleep(20);
					}
					else {
						recordsAtOpen = records(previous);
					}
					continue;
				}
				int got = reader.poll(SLICE_MILLIS);
				if (got == PipeReader.END) {
					break;
				}
				if (got > 0) {
					lastProgress = System.nanoTime();
				}
				else if (!reader.connected()) {
					if (!reader.stillAt()) {
						// Its writer gave the pipe up before opening it; look again at the previous stage.
						reader.close();
						reader = null;
					}
					lastProgress = System.nanoTime();
				}
				else if (System.nanoTime() - lastProgress > this.stall.toNanos()) {
					throw new PipeException(name + " stalled: nothing came through "
							+ this.pipes.path(where.pipeline(), from).getFileName() + " for " + Durations.readable(this.stall)
							+ " (spool.pipes.stall-timeout)");
				}
			}
		}
		catch (IOException ex) {
			throw new PipeException(ex.getMessage());
		}
		finally {
			if (reader != null) {
				reader.close();
			}
		}
		byte[] bytes = reader.received();
		int end = indexOf(bytes, END_MARKER);
		if (end != bytes.length - 1) {
			return afterBrokenStream(previous, name, recordsAtOpen, name + "'s stream through "
					+ this.pipes.path(where.pipeline(), from).getFileName() + " ended without its end marker after "
					+ bytes.length + " bytes");
		}
		return committedOutput(previous, name, new String(Arrays.copyOf(bytes, end), StandardCharsets.UTF_8));
	}

	/**
	 * A stream that ended without its marker: waits (at most the stall timeout) to see how the writing stage's attempt
	 * ended. Failed (the stage is pending or failed again, or has a failed attempt recorded since the pipe was opened):
	 * the writer's failure, so this stage is restarted without counting an attempt. Done: its output is the answer.
	 * Still in progress (a writer that died keeps its claim until it goes stale): this stage's attempt fails.
	 */
	private String afterBrokenStream(Task previous, String name, int recordsAtOpen, String broken)
			throws InterruptedException {
		long deadline = System.nanoTime() + this.stall.toNanos();
		while (true) {
			Task now = this.store.index().find(previous.id()).orElse(null);
			if (now == null) {
				throw new PipeException(broken + ", and " + name + " is gone");
			}
			if (now.state() == TaskState.DONE) {
				logger.info(broken + ", but " + name + " is done: its output is the answer");
				return committedOutput(previous, name, null);
			}
			boolean failedSince = now.history()
				.stream()
				.skip(recordsAtOpen)
				.anyMatch((entry) -> entry.outcome().isAttempt() && entry.outcome() != Attempt.Outcome.DONE);
			if (now.state() != TaskState.IN_PROGRESS || failedSince) {
				throw new WriterFailedException(broken + ": the attempt of " + name + " failed (it is "
						+ now.state().word() + ")");
			}
			if (System.nanoTime() > deadline) {
				throw new PipeException(broken + ": its writer stopped mid-stream, and " + name + " is still in progress");
			}
			Thread.sleep(20);
		}
	}

	private int records(Task previous) {
		return this.store.index().find(previous.id()).map((task) -> task.history().size()).orElse(0);
	}

	/**
	 * Waits for the previous stage to commit and returns its output, which must be what came through the pipe, if
	 * anything did: the output file is authoritative, and a stream from another attempt is never passed on.
	 */
	private String committedOutput(Task previous, String name, String streamed) throws InterruptedException {
		long deadline = System.nanoTime() + this.stall.toNanos();
		while (true) {
			TaskState state = this.store.index().find(previous.id()).map(Task::state).orElse(null);
			Optional<String> output = (state == TaskState.DONE) ? this.store.readOutput(previous.id())
					: Optional.empty();
			if (output.isPresent()) {
				if (streamed != null && !streamed.equals(output.get())) {
					throw new PipeException(name + " committed an output that differs from what came through its pipe");
				}
				return output.get();
			}
			if (state == null) {
				throw new PipeException(name + " streamed an answer but is gone");
			}
			if (state != TaskState.IN_PROGRESS && state != TaskState.DONE) {
				throw new WriterFailedException(name + " streamed an answer but did not commit it (it is "
						+ state.word() + ")");
			}
			if (System.nanoTime() > deadline) {
				throw new PipeException(name + " streamed its whole answer but did not commit it within "
						+ this.stall.toMillis() + " ms");
			}
			Thread.sleep(20);
		}
	}

	private static int indexOf(byte[] bytes, byte wanted) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	/** Where a stage's answer goes while the model writes it. */
	public interface Sink extends AutoCloseable {

		Sink NONE = new Sink() {
		};

		/** A piece of the answer, as it arrives. */
		default void accept(String piece) {
		}

		/** The answer is whole: ends the stream with its marker and waits, within limits, for the reader to take it. */
		default void finish() throws InterruptedException {
		}

		/** Closes and removes the pipe; a reader that did not see the end marker knows the stream is incomplete. */
		@Override
		default void close() {
		}

	}

	private final class PipeSink implements Sink {

		private final PipeWriter writer;

		private final Task next;

		PipeSink(PipeWriter writer, Task next) {
			this.writer = writer;
			this.next = next;
		}

		@Override
		public void accept(String piece) {
			this.writer.offer(piece.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public void finish() throws InterruptedException {
			this.writer.offer(new byte[] { END_MARKER });
			boolean whole = this.writer.flush(this::readerExpected, PipeTransport.this.stall);
			if (!whole) {
				logger.info(this.writer + ": the next stage did not take the whole stream"
						+ ((this.writer.broken() != null) ? " (" + this.writer.broken() + ")" : "")
						+ "; it reads the output instead");
			}
		}

		/** A reader is coming while the next stage is claimed. */
		private boolean readerExpected() {
			return PipeTransport.this.store.index()
				.find(this.next.id())
				.map((task) -> task.state() == TaskState.IN_PROGRESS)
				.orElse(false);
		}

		@Override
		public void close() {
			this.writer.close();
		}

	}

	/** Why a stage could not have the previous stage's answer whole; its attempt fails with this message. */
	public static class PipeException extends RuntimeException {

		PipeException(String message) {
			super(message);
		}

	}

	/**
	 * The stage read from ended its attempt without committing what it streamed: not the reading stage's failure, so
	 * its claim goes back to pending without counting an attempt (PROTOCOL.md, Pipelines).
	 */
	public static final class WriterFailedException extends PipeException {

		WriterFailedException(String message) {
			super(message);
		}

	}

}
