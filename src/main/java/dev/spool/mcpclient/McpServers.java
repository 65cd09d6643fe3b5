package dev.spool.mcpclient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.mcpclient.McpServerStatus.State;
import dev.spool.program.ProgramPath;
import dev.spool.workspace.ProblemText;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.context.SmartLifecycle;

/**
 * The workspace's MCP servers, as {@code mcp.json} names them, and their tools for agents by server name. Nothing
 * starts with Spool: a server starts when its tools are first asked for, and is reused. The file is read again at
 * each use and every {@code spool.mcp-servers.reload-interval}: a server it changes or no longer names is stopped (and
 * a changed one starts again, as changed, at its next use). Spool stopping stops every server and all they started.
 * <p>
 * Nothing here throws for a server that fails: its tools come back empty with the reason ({@link ServerTools}), and a
 * call that fails answers with an error text for the model ({@link McpToolCallback}).
 */
public final class McpServers implements SmartLifecycle {

	/** After the agents, which use the servers, have stopped. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2000;

	private static final Log logger = LogFactory.getLog(McpServers.class);

	private final McpJsonFile file;

	private final Path workspace;

	private final ProgramPath path;

	private final McpServersProperties settings;

	private final Map<String, ServerSlot> slots = new ConcurrentHashMap<>();

	private final Object reloading = new Object();

	private volatile McpJsonFile.Contents contents = McpJsonFile.Contents.NONE;

	private volatile boolean running;

	private ScheduledExecutorService reloader;

	McpServers(McpJsonFile file, Path workspace, ProgramPath path, McpServersProperties settings) {
		this.file = file;
		this.workspace = workspace;
		this.path = path;
		this.settings = settings;
	}

	/**
	 * A server's tools, named {@code <server>__<tool>} so that no two servers' tools and none of Spool's own
	 * ({@code submit_task}) can share a name. Starts the server if it never started; a server that started before
	 * is not started again just to list its tools, which calls do when they need to.
	 */
	ServerTools tools(String server) {
		reload();
		ServerSlot slot = this.slots.get(server);
		if (slot == null) {
			return new ServerTools(server, List.of(), whyNot(server));
		}
		List<Tool> known = slot.knownTools();
		if (known == null) {
			try {
				slot.connection();
				known = slot.knownTools();
			}
			catch (McpServerException ex) {
				return new ServerTools(server, List.of(), ex.getMessage());
			}
		}
		return new ServerTools(server, callbacks(server, known), null);
	}

	private List<ToolCallback> callbacks(String server, List<Tool> tools) {
		Map<String, ToolCallback> byName = new LinkedHashMap<>();
		for (Tool tool : tools) {
			McpToolCallback callback = new McpToolCallback(this, server, tool);
			String name = callback.getToolDefinition().name();
			if (byName.putIfAbsent(name, callback) != null) {
				logger.warn("MCP server '" + server + "' offers two tools named " + name + " once shortened to what "
						+ "models accept; only the first is offered");
			}
		}
		return new ArrayList<>(byName.values());
	}

	/** Why a name has no server to use: not in the file, refused, or the file itself refused. */
	private String whyNot(String server) {
		McpJsonFile.Contents now = this.contents;
		if (!this.running) {
			return "MCP server " + ProblemText.quoted(server) + " is not available: Spool is stopping";
		}
		if (now.fileProblem() != null) {
			return "MCP server " + ProblemText.quoted(server) + " is not available: " + now.fileProblem();
		}
		String problem = now.problems().get(server);
		if (problem != null) {
			return "MCP server " + ProblemText.quoted(server) + " in mcp.json is not used: " + problem;
		}
		return "there is no MCP server named " + ProblemText.quoted(server) + " in " + this.file.path();
	}

	/** Calls a tool on the server now named so; every failure is an error text, never an exception. */
	String call(String server, Tool tool, Map<String, Object> arguments) {
		reload();
		ServerSlot slot = this.slots.get(server);
		if (slot == null) {
			return McpToolCallback.error(whyNot(server));
		}
		McpServerConnection connection;
		try {
			connection = slot.connection();
		}
		catch (McpServerException ex) {
			return McpToolCallback.error(ex.getMessage());
		}
		try {
			return McpToolCallback.answer(slot, tool,
					connection.call(McpToolCallback.request(tool, arguments)));
		}
		catch (RuntimeException ex) {
			if (ex instanceof McpError && connection.isAlive() && !ServerSlot.causedBy(ex, TimeoutException.class)) {
				return McpToolCallback.error(slot.named() + " refused the call to " + tool.name() + ": "
						+ ProblemText.oneLine(ex.getMessage()));
			}
			return McpToolCallback.error(slot.callFailed(connection, ex));
		}
	}

	/** Every server the file names, refused ones included, in name order. */
	public List<McpServerStatus> statuses() {
		reload();
		McpJsonFile.Contents now = this.contents;
		Map<String, McpServerStatus> all = new TreeMap<>();
		now.servers().forEach((name, spec) -> {
			ServerSlot slot = this.slots.get(name);
			all.put(name, (slot != null) ? slot.status()
					: new McpServerStatus(name, spec.describe(), State.NOT_STARTED, -1, null));
		});
		now.problems().forEach((name, problem) -> all.put(name,
				new McpServerStatus(name, "", State.REFUSED, -1, problem)));
		return List.copyOf(all.values());
	}

	/** Why the whole of {@code mcp.json} is not used (then no server starts); empty when it is, or absent. */
	public Optional<String> fileProblem() {
		reload();
		return Optional.ofNullable(this.contents.fileProblem());
	}

	/** Reads the file again: stops the servers it changed or no longer names, and takes on the new ones. */
	void reload() {
		List<ServerSlot> stopping = new ArrayList<>();
		synchronized (this.reloading) {
			McpJsonFile.Contents read = this.file.read();
			if (read.fileProblem() != null && !read.fileProblem().equals(this.contents.fileProblem())) {
				logger.warn(read.fileProblem());
			}
			read.problems().forEach((name, problem) -> {
				if (!problem.equals(this.contents.problems().get(name))) {
					logger.warn("MCP server '" + name + "' in mcp.json is not used: " + problem);
				}
			});
			this.contents = read;
			for (ServerSlot slot : List.copyOf(this.slots.values())) {
				McpServerSpec now = read.servers().get(slot.spec().name());
				if (!slot.spec().equals(now)) {
					this.slots.remove(slot.spec().name());
					stopping.add(slot);
				}
			}
			read.servers().forEach((name, spec) -> this.slots.computeIfAbsent(name,
					(key) -> new ServerSlot(spec, this.workspace, this.path, this.settings, () -> this.running)));
		}
		// Outside the lock: a server may take its grace to stop, and the others' calls need not wait for it.
		for (ServerSlot slot : stopping) {
			logger.info(slot.named() + " is stopped: mcp.json " + (this.contents.servers().containsKey(slot.spec()
				.name()) ? "changed it" : (this.contents.fileProblem() != null) ? "is not used" : "no longer names it"));
			slot.close();
		}
	}

	@Override
	public void start() {
		synchronized (this.reloading) {
			this.running = true;
			this.reloader = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "mcp-servers");
				thread.setDaemon(true);
				return thread;
			});
		}
		long every = this.settings.reloadInterval().toMillis();
		this.reloader.scheduleWithFixedDelay(this::reloadQuietly, 0, every, TimeUnit.MILLISECONDS);
	}

	private void reloadQuietly() {
		try {
			reload();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not read " + this.file.path() + " again: " + ProblemText.describe(ex), ex);
		}
	}

	/** Stops every server and all it started; a later {@link #start()} starts them again at their next use. */
	@Override
	public void stop() {
		List<ServerSlot> stopping;
		synchronized (this.reloading) {
			this.running = false;
			if (this.reloader != null) {
				this.reloader.shutdownNow();
			}
			stopping = List.copyOf(this.slots.values());
			this.slots.clear();
		}
		stopping.parallelStream().forEach(ServerSlot::close);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
