package dev.spool.mcpclient;

import java.net.http.HttpRequest;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import reactor.core.publisher.Mono;

import dev.spool.program.ProcessTree;
import dev.spool.program.ProgramPath;

/**
 * One started server: the MCP SDK's client over its transport, and for a program, the processes to stop with it.
 * Nothing here retries; {@link McpServers} decides when to start a server again.
 * <p>
 * The SDK bounds every request by one timeout, {@code initialize} and {@code tools/list} included, so a call timeout
 * shorter than the start timeout would cut a slow start short (an {@code npx} server fetching its package) and be
 * reported as the start timeout. The SDK's own bound is therefore the longer of the two, and each is applied here.
 */
final class McpServerConnection {

	private final McpAsyncClient client;

	private final ProgramTransport program;

	private final Duration startTimeout;

	private final Duration callTimeout;

	private volatile ProcessTree tree;

	private volatile boolean broken;

	private McpServerConnection(McpAsyncClient client, ProgramTransport program, McpServersProperties settings) {
		this.client = client;
		this.program = program;
		this.startTimeout = settings.startTimeout();
		this.callTimeout = settings.callTimeout();
	}

	/** A connection not yet started: {@link #start()} starts the program or reaches the URL. */
	static McpServerConnection of(McpServerSpec spec, Path workspace, ProgramPath path, McpServersProperties settings)
			throws NoSuchFileException {
		ProgramTransport program = null;
		McpClientTransport transport;
		if (spec.runsProgram()) {
			program = new ProgramTransport(parameters(spec, path), workspace);
			transport = program;
		}
		else {
			HttpRequest.Builder requests = HttpRequest.newBuilder();
			spec.headers().forEach(requests::header);
			transport = HttpClientStreamableHttpTransport.builder(spec.url().toString())
				.connectTimeout(settings.startTimeout())
				.requestBuilder(requests)
				.build();
		}
		Duration longer = (settings.startTimeout().compareTo(settings.callTimeout()) > 0) ? settings.startTimeout()
				: settings.callTimeout();
		McpAsyncClient client = McpClient.async(transport)
			.clientInfo(new McpSchema.Implementation("spool", "1"))
			.initializationTimeout(settings.startTimeout())
			.requestTimeout(longer)
			.build();
		return new McpServerConnection(client, program, settings);
	}

	/**
	 * The program by the absolute path that was checked, so that {@code PATH} cannot pick another, with the SDK's few
	 * inherited variables, {@code PATH} without relative entries, and what {@code env} names.
	 */
	private static ServerParameters parameters(McpServerSpec spec, ProgramPath path)
			throws NoSuchFileException {
		Map<String, String> env = new TreeMap<>();
		if (!path.entries().isEmpty()) {
			env.put("PATH", path.entries());
		}
		env.putAll(spec.env());
		return ServerParameters.builder(path.find(spec.command()).toString()).args(spec.args()).env(env).build();
	}

	/**
	 * Starts the server, says hello and lists its tools, all within the start timeout; throws what the SDK throws, or
	 * an exception caused by a {@link TimeoutException}.
	 */
	List<Tool> start() {
		long deadline = System.nanoTime() + this.startTimeout.toNanos();
		try {
			within(this.client.initialize(), deadline);
		}
		finally {
			this.tree = (this.program != null) ? this.program.process().map(ProcessTree::new).orElse(null) : null;
		}
		List<Tool> tools = new ArrayList<>();
		String cursor = null;
		do {
			ListToolsResult page = within(this.client.listTools(cursor), deadline);
			tools.addAll(page.tools());
			cursor = page.nextCursor();
		}
		while (cursor != null && !cursor.isEmpty());
		return tools;
	}

	/**
	 * Calls a tool, within the call timeout; throws what the SDK throws, or an exception caused by a
	 * {@link TimeoutException}.
	 */
	CallToolResult call(CallToolRequest request) {
		return within(this.client.callTool(request), System.nanoTime() + this.callTimeout.toNanos());
	}

	private static <T> T within(Mono<T> answer, long deadline) {
		Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
		return answer.timeout(left).block();
	}

	/** Whether the server may still answer: its process runs, and no call has found it hung or gone. */
	boolean isAlive() {
		if (this.broken) {
			return false;
		}
		ProcessTree processes = this.tree;
		return this.program == null || (processes != null && this.program.process().map(ProcessTree::isRunning)
			.orElse(false));
	}

	/** Marks the server as not to be used again: it hung, or a call found it gone. */
	void markBroken() {
		this.broken = true;
	}

	/** How a program's process ended, with the last lines it wrote to standard error; empty while it runs. */
	Optional<String> exit() {
		if (this.program == null) {
			return Optional.empty();
		}
		return this.program.exitCode().map((code) -> {
			String errors = this.program.lastErrors();
			return "exited with code " + code + (errors.isEmpty() ? "" : " (standard error: " + errors + ")");
		});
	}

	/** Waits a little for a program that failed to end, then says how it ended; empty if it still runs. */
	Optional<String> awaitExit(Duration within) {
		if (this.program != null) {
			this.program.process().ifPresent((process) -> {
				try {
					process.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				catch (ExecutionException | TimeoutException ex) {
					// Still running: told as it is.
				}
			});
		}
		return exit();
	}

	/** The last lines a program wrote to standard error, as " (standard error: ...)", or empty text. */
	String errors() {
		String errors = (this.program != null) ? this.program.lastErrors() : "";
		return errors.isEmpty() ? "" : " (standard error: " + errors + ")";
	}

	/** Closes the session, then ends the program and every process it started, SIGKILL after {@code grace}. */
	void close(Duration grace) {
		this.broken = true;
		ProcessTree processes = this.tree;
		if (processes == null && this.program != null) {
			processes = this.program.process().map(ProcessTree::new).orElse(null);
		}
		if (processes != null) {
			// Noted before the session ends its own process, after which its children are no longer found under it.
			processes.remember();
		}
		try {
			this.client.close();
		}
		catch (RuntimeException ex) {
			// Closing a session whose server is gone or hung fails; the processes are ended below all the same.
		}
		if (processes != null) {
			processes.end(grace);
		}
	}

}
