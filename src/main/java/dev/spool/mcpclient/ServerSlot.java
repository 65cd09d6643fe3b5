package dev.spool.mcpclient;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.Durations;
import dev.spool.mcpclient.McpServerStatus.State;
import dev.spool.program.ProgramPath;
import dev.spool.workspace.ProblemText;

/**
 * One server named in {@code mcp.json}, for as long as the file names it the same way: started at its first use,
 * reused, started again at the next use after it exited or hung, and stopped for good when the file changes it or
 * Spool stops. One start at a time; callers of a server that is starting wait for it.
 */
final class ServerSlot {

	private static final Log logger = LogFactory.getLog(ServerSlot.class);

	/** How long a server that failed to start gets to exit, so that its exit code and last words can be told. */
	private static final Duration EXIT_WAIT = Duration.ofSeconds(1);

	private final McpServerSpec spec;

	private final Path workspace;

	private final ProgramPath path;

	private final McpServersProperties settings;

	private final BooleanSupplier running;

	private final ReentrantLock starting = new ReentrantLock();

	/** The server started or starting, so that {@link #close()} can end a start that hangs. */
	private volatile McpServerConnection connection;

	private volatile List<Tool> tools;

	private volatile String failure;

	private volatile boolean closed;

	ServerSlot(McpServerSpec spec, Path workspace, ProgramPath path, McpServersProperties settings,
			BooleanSupplier running) {
		this.spec = spec;
		this.workspace = workspace;
		this.path = path;
		this.settings = settings;
		this.running = running;
	}

	McpServerSpec spec() {
		return this.spec;
	}

	/** The tools listed when the server last started; null when it never has. */
	List<Tool> knownTools() {
		return this.tools;
	}

	/** The running server, started first when it is not. */
	McpServerConnection connection() throws McpServerException {
		try {
			this.starting.lockInterruptibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new McpServerException(named() + " was not used: the call was interrupted");
		}
		try {
			McpServerConnection current = this.connection;
			if (current != null && current.isAlive()) {
				return current;
			}
			if (current != null) {
				logger.info(named() + " is started again: " + current.exit().orElse("it stopped answering"));
				current.close(this.settings.stopGrace());
			}
			return start();
		}
		finally {
			this.starting.unlock();
		}
	}

	private McpServerConnection start() throws McpServerException {
		refuseIfStopped();
		McpServerConnection started;
		try {
			started = McpServerConnection.of(this.spec, this.workspace, this.path, this.settings);
		}
		catch (NoSuchFileException ex) {
			throw failed("the program " + ProblemText.quoted(this.spec.command()) + " "
					+ ((ex.getReason() != null) ? ex.getReason() : "does not exist"));
		}
		this.connection = started;
		try {
			refuseIfStopped();
			this.tools = List.copyOf(started.start());
			this.failure = null;
			logger.info(named() + " started with " + this.tools.size() + " tools: " + this.spec.describe());
			return started;
		}
		catch (RuntimeException ex) {
			// Told before the processes are ended, whose exit code would then be Spool's own signal.
			String problem = startProblem(started, ex);
			this.connection = null;
			started.close(this.settings.stopGrace());
			throw failed(problem);
		}
		finally {
			if (this.closed) {
				started.close(this.settings.stopGrace());
			}
		}
	}

	private void refuseIfStopped() throws McpServerException {
		if (this.closed || !this.running.getAsBoolean()) {
			throw new McpServerException(named() + " was not started: mcp.json changed, or Spool is stopping");
		}
	}

	private McpServerException failed(String reason) {
		this.failure = named() + " did not start: " + reason;
		logger.warn(this.failure);
		return new McpServerException(this.failure);
	}

	private String startProblem(McpServerConnection started, RuntimeException ex) {
		if (causedBy(ex, TimeoutException.class)) {
			return "no answer within " + Durations.describe(this.settings.startTimeout())
					+ " (spool.mcp-servers.start-timeout)" + started.errors();
		}
		// The process may end an instant after the SDK sees its output close: its exit code says more than that.
		return started.awaitExit(EXIT_WAIT).orElseGet(() -> ProblemText.describe(rootCause(ex)) + started.errors());
	}

	/**
	 * Notes that a call found the server hung or gone, so that the next use starts it again; returns why, as the
	 * call's error.
	 */
	String callFailed(McpServerConnection used, RuntimeException ex) {
		used.markBroken();
		String why;
		if (causedBy(ex, TimeoutException.class)) {
			why = "did not answer within " + Durations.describe(this.settings.callTimeout())
					+ " (spool.mcp-servers.call-timeout)";
		}
		else {
			why = used.exit().map((exit) -> "stopped during the call: " + exit)
				.orElseGet(() -> "failed during the call: " + ProblemText.describe(rootCause(ex)));
		}
		String problem = named() + " " + why + "; it is started again at its next use";
		logger.warn(problem);
		return problem;
	}

	/** Stops the server, if started, for good: the file no longer names it so, or Spool stops. */
	void close() {
		this.closed = true;
		McpServerConnection current = this.connection;
		if (current != null) {
			current.close(this.settings.stopGrace());
		}
	}

	McpServerStatus status() {
		McpServerConnection current = this.connection;
		List<Tool> listed = this.tools;
		int count = (listed != null) ? listed.size() : -1;
		if (current != null && current.isAlive()) {
			return status(State.RUNNING, count, null);
		}
		if (current != null && listed != null) {
			return status(State.EXITED, count, current.exit().orElse("stopped answering")
					+ "; started again at its next use");
		}
		if (this.failure != null) {
			return status(State.FAILED, count, this.failure);
		}
		return status(State.NOT_STARTED, count, null);
	}

	private McpServerStatus status(State state, int count, String problem) {
		return new McpServerStatus(this.spec.name(), this.spec.describe(), state, count, problem);
	}

	String named() {
		return "MCP server " + ProblemText.quoted(this.spec.name());
	}

	static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

}
