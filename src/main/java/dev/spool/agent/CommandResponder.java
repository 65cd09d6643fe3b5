package dev.spool.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.spool.program.ProcessTree;
import dev.spool.program.StrictModes;
import dev.spool.workspace.Answer;
import dev.spool.workspace.ProblemText;

/**
 * Answers by running the agent's command as its own process (no shell), in the workspace, with a small environment
 * ({@link CommandEnvironment}): the attempt's input on standard input, the answer read from standard output as it is
 * written. Its program is looked up and checked ({@link StrictModes}) again before each run, as the file may have
 * changed since its definition was read. A non-zero exit fails the attempt with the end of standard error. However the
 * attempt ends, the command and everything it started are ended with it.
 */
final class CommandResponder implements Responder {

	/** Characters of standard output taken as an answer; a command that writes more fails. */
	static final int MAX_ANSWER_CHARS = 8 * 1024 * 1024;

	/** How often the processes a running command started are looked up, to end them all with it. */
	private static final long LOOK_EVERY_MILLIS = 250;

	/** How long a command's standard output may stay open once the command itself has exited. */
	private static final Duration OUTPUT_AFTER_EXIT = Duration.ofSeconds(5);

	private static final String END = new String("end of standard output");

	private final Path workspace;

	private final Duration grace;

	private final CommandEnvironment environment;

	private final StrictModes modes;

	/**
	 * @param workspace where commands run, named to them in {@code SPOOL_WORKSPACE}
	 * @param grace how long a command has to exit after SIGTERM before it gets SIGKILL
	 * @param environment Spool's environment, of which a command gets a few variables
	 */
	CommandResponder(Path workspace, Duration grace, CommandEnvironment environment) {
		this.workspace = workspace.toAbsolutePath();
		this.grace = grace;
		this.environment = environment;
		this.modes = StrictModes.ofThisProcess();
	}

	@Override
	public Outcome answer(Request request, Consumer<String> onPiece) throws InterruptedException {
		try {
			return new Outcome.Answered(run(request, onPiece));
		}
		catch (CommandFailedException ex) {
			return new Outcome.Failed(ex.getMessage());
		}
	}

	private Answer run(Request request, Consumer<String> onPiece) throws InterruptedException {
		List<String> command = request.agent().command();
		Process process = start(request, command);
		ProcessTree tree = new ProcessTree(process.toHandle());
		String name = "spool-command-" + process.pid();
		try {
			StandardError errors = new StandardError(process.getErrorStream(), name + "-err");
			daemon(name + "-in", () -> feed(process.getOutputStream(), request.input())).start();
			BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
			daemon(name + "-out", () -> read(process.getInputStream(), pieces)).start();
			String text = collect(process, tree, pieces, onPiece);
			int status = process.waitFor();
			tree.end(this.grace);
			errors.awaitEnd(OUTPUT_AFTER_EXIT);
			if (status != 0) {
				throw new CommandFailedException("the command exited with status " + status + errors.tail());
			}
			if (text.isBlank()) {
				throw new CommandFailedException("the command exited with status 0 but wrote nothing to standard output"
						+ errors.tail());
			}
			return new Answer(text, null, false, null);
		}
		finally {
			tree.end(this.grace);
		}
	}

	private Process start(Request request, List<String> command) {
		List<String> resolved = new ArrayList<>(command);
		resolved.set(0, program(command.get(0)).toString());
		ProcessBuilder builder = new ProcessBuilder(resolved).directory(this.workspace.toFile());
		Map<String, String> environment = builder.environment();
		environment.clear();
		environment.putAll(this.environment.forAttempt(request.agent(), request.task(), this.workspace));
		try {
			return builder.start();
		}
		catch (IOException | RuntimeException ex) {
			// "Cannot run program ... (in directory ...)" says again what the reason says; its cause says why.
			Throwable why = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new CommandFailedException("cannot start the command " + ProblemText.quoted(command.get(0)) + ": "
					+ ProblemText.describe(why), ex);
		}
	}

	/** The program's absolute path, once it is found and no one but Spool's user and root could have written it. */
	private Path program(String name) {
		try {
			Path program = this.environment.program(name);
			this.modes.checkProgram(program);
			return program;
		}
		catch (IllegalArgumentException ex) {
			throw new CommandFailedException("the command was not run: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			throw new CommandFailedException("cannot start the command " + ProblemText.quoted(name) + ": "
					+ ((ex instanceof NoSuchFileException missing)
							? Objects.requireNonNullElse(missing.getReason(), "No such file or directory")
							: ProblemText.describe(ex)), ex);
		}
	}

	/**
	 * The answer, handed on piece by piece on this thread, which an interrupt (a timeout, a cancel) stops. Meanwhile
	 * the processes the command starts are noted, and those it leaves behind when it exits are ended with it.
	 */
	private String collect(Process process, ProcessTree tree, BlockingQueue<String> pieces, Consumer<String> onPiece)
			throws InterruptedException {
		StringBuilder text = new StringBuilder();
		long lookedAt = System.nanoTime();
		long exitedAt = 0;
		while (true) {
			String piece = pieces.poll(LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
			if (piece == END) {
				return text.toString();
			}
			if (piece != null) {
				if (text.length() + piece.length() > MAX_ANSWER_CHARS) {
					throw new CommandFailedException("the command wrote more than " + MAX_ANSWER_CHARS
							+ " characters to standard output");
				}
				text.append(piece);
				onPiece.accept(piece);
			}
			long now = System.nanoTime();
			if (now - lookedAt < TimeUnit.MILLISECONDS.toNanos(LOOK_EVERY_MILLIS)) {
				continue;
			}
			lookedAt = now;
			if (process.isAlive()) {
				tree.remember();
			}
			else if (exitedAt == 0) {
				exitedAt = now;
				// What it left running may hold its output open.
				tree.end(this.grace);
			}
			else if (now - exitedAt > OUTPUT_AFTER_EXIT.toNanos()) {
				// Something that escaped the look-ups still holds its output open; what was written is the answer.
				return text.toString();
			}
		}
	}

	private static void read(InputStream output, BlockingQueue<String> pieces) {
		char[] buffer = new char[8192];
		try (Reader reader = new InputStreamReader(output, StandardCharsets.UTF_8)) {
			int read;
			while ((read = reader.read(buffer)) >= 0) {
				if (read > 0) {
					pieces.add(new String(buffer, 0, read));
				}
			}
		}
		catch (IOException ex) {
			// The stream was closed as the process ended; what was read is the answer.
		}
		finally {
			pieces.add(END);
		}
	}

	private static void feed(OutputStream input, String text) {
		try (OutputStream in = input) {
			in.write(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// The command exited or closed its input without reading all of it: its exit says how it went.
		}
	}

	private static Thread daemon(String name, Runnable work) {
		Thread thread = new Thread(work, name);
		thread.setDaemon(true);
		return thread;
	}

	/** Drains a command's standard error as it is written, keeping only its end for the reason of a failure. */
	private static final class StandardError implements Runnable {

		private static final int MAX_BYTES = 2048;

		private static final int MAX_LINES = 20;

		private final InputStream stream;

		private final byte[] window = new byte[MAX_BYTES];

		private int length;

		private boolean cut;

		private final Thread reader;

		StandardError(InputStream stream, String name) {
			this.stream = stream;
			this.reader = daemon(name, this);
			this.reader.start();
		}

		@Override
		public void run() {
			byte[] buffer = new byte[4096];
			try (InputStream in = this.stream) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					keep(buffer, read);
				}
			}
			catch (IOException ex) {
				// Closed as the process ended.
			}
		}

		private synchronized void keep(byte[] buffer, int read) {
			int from = Math.max(0, read - MAX_BYTES);
			int count = read - from;
			int drop = Math.max(0, this.length + count - MAX_BYTES);
			if (drop > 0) {
				System.arraycopy(this.window, drop, this.window, 0, this.length - drop);
				this.length -= drop;
				this.cut = true;
			}
			this.cut |= from > 0;
			System.arraycopy(buffer, from, this.window, this.length, count);
			this.length += count;
		}

		void awaitEnd(Duration within) throws InterruptedException {
			this.reader.join(within.toMillis());
		}

		/** The last lines of standard error, introduced for a reason, or nothing when it wrote none. */
		synchronized String tail() {
			String text = new String(this.window, 0, this.length, StandardCharsets.UTF_8).replace("\uFFFD", "");
			List<String> lines = text.strip().lines().toList();
			boolean more = this.cut;
			if (more && lines.size() > 1) {
				// The first line kept is likely a part of one.
				lines = lines.subList(1, lines.size());
			}
			if (lines.size() > MAX_LINES) {
				lines = lines.subList(lines.size() - MAX_LINES, lines.size());
				more = true;
			}
			if (lines.isEmpty()) {
				return "";
			}
			return "; the end of its standard error:\n" + (more ? "…\n" : "") + String.join("\n", lines);
		}

	}

	/** Why a run gave no answer, with the reason a person reads in the task's history. */
	private static final class CommandFailedException extends RuntimeException {

		CommandFailedException(String reason, Throwable cause) {
			super(reason, cause);
		}

		CommandFailedException(String reason) {
			super(reason);
		}

	}

}
