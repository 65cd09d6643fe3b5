package dev.spool.mcpclient;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's standard input and output transport, run from the workspace with no more of Spool's environment than
 * its parameters name (the SDK's own list, never Spool's secrets such as the model's key), keeping the last lines the
 * server wrote to standard error for the reason of a failure.
 */
final class ProgramTransport extends StdioClientTransport {

	private static final int KEPT_LINES = 5;

	/** The process the SDK started: Spool stops it with all it started, which the SDK does not. */
	private static final VarHandle PROCESS;

	static {
		try {
			PROCESS = MethodHandles.privateLookupIn(StdioClientTransport.class, MethodHandles.lookup())
				.findVarHandle(StdioClientTransport.class, "process", Process.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final Path workspace;

	private final Deque<String> stderr = new ArrayDeque<>();

	private final AtomicBoolean connected = new AtomicBoolean();

	private final Object sending = new Object();

	ProgramTransport(ServerParameters parameters, Path workspace) {
		super(parameters, McpJsonDefaults.getMapper());
		this.workspace = workspace;
		setStdErrorHandler(this::keep);
	}

	/**
	 * Starts the program, once. The SDK's client connects its transport again when something (a notification from
	 * the server, a late request) reaches it after it closed, which would start a process no one stops; Spool starts a
	 * server again itself, with a new transport, when it decides to.
	 */
	@Override
	public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
		if (!this.connected.compareAndSet(false, true)) {
			return Mono.error(new IllegalStateException("the server's program was started once already"));
		}
		return super.connect(handler);
	}

	/**
	 * Sends one message at a time. The SDK's client sends from more than one thread: a call from the caller's, while
	 * its reader answers the server (a {@code tools/list} on the server's {@code notifications/tools/list_changed}, as
	 * server-everything sends right after {@code initialize}). MCP SDK 2.0.0 hands each message to a sink that refuses
	 * a second sender meanwhile ({@code FAIL_NON_SERIALIZED}), and the message is lost as "Failed to enqueue message"
	 * (modelcontextprotocol/java-sdk#875, fixed after 2.0.0). The SDK emits before it returns, so the lock covers it.
	 */
	@Override
	public Mono<Void> sendMessage(JSONRPCMessage message) {
		synchronized (this.sending) {
			return super.sendMessage(message);
		}
	}

	@Override
	protected ProcessBuilder getProcessBuilder() {
		ProcessBuilder builder = new ProcessBuilder().directory(this.workspace.toFile());
		// The SDK adds its parameters' environment to what the builder holds, which would otherwise be all of Spool's.
		builder.environment().clear();
		return builder;
	}

	/** The server's process, once started. */
	Optional<ProcessHandle> process() {
		Process process = (Process) PROCESS.getVolatile(this);
		return Optional.ofNullable(process).map(Process::toHandle);
	}

	/** The exit code, when the process has ended. */
	Optional<Integer> exitCode() {
		Process process = (Process) PROCESS.getVolatile(this);
		return (process != null && !process.isAlive()) ? Optional.of(process.exitValue()) : Optional.empty();
	}

	/** The last lines the server wrote to standard error, joined with " / "; empty when none. */
	synchronized String lastErrors() {
		return String.join(" / ", this.stderr);
	}

	private synchronized void keep(String line) {
		if (line == null || line.isBlank()) {
			return;
		}
		if (this.stderr.size() == KEPT_LINES) {
			this.stderr.removeFirst();
		}
		this.stderr.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
	}

}
