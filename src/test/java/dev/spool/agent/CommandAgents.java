package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.spool.SpoolApplication;
import dev.spool.program.ProcessTree;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.awaitility.Awaitility.await;

/**
 * A workspace whose agents are bash scripts, and a Spool running it: scripts and the files they leave for the test
 * (pids, counters) live in a scratch folder outside the workspace, named to each script as its first argument.
 */
final class CommandAgents {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	final Path workspace;

	final Path scratch;

	private CommandAgents(Path root) throws IOException {
		this.workspace = Files.createDirectories(root.resolve("workspace"));
		this.scratch = Files.createDirectories(root.resolve("scratch"));
		Files.setPosixFilePermissions(Files.createDirectories(this.workspace.resolve("agents")),
				PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	static CommandAgents in(Path root) throws IOException {
		return new CommandAgents(root);
	}

	/** Defines an agent that runs {@code bash <script> <scratch>}; its file is writable by its owner only. */
	CommandAgents script(String agent, String script) throws IOException {
		Path file = this.scratch.resolve(agent + ".sh");
		Files.writeString(file, script);
		return define(agent, "command: [\"bash\", \"" + file + "\", \"" + this.scratch + "\"]\n", "rw-r--r--");
	}

	CommandAgents define(String agent, String frontMatter, String permissions) throws IOException {
		Path file = this.workspace.resolve("agents").resolve(agent + ".md");
		Files.writeString(file, "---\n" + frontMatter + "concurrency: 1\n---\nRuns " + agent + ".\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
		return this;
	}

	ConfigurableApplicationContext start(String... settings) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spool.workspace=" + this.workspace,
				"--spool.retry-backoff=50ms", "--spool.heartbeat-interval=300ms", "--spool.rescan-interval=500ms"));
		arguments.addAll(List.of(settings));
		return new SpringApplicationBuilder(SpoolApplication.class).run(arguments.toArray(String[]::new));
	}

	/** A pid a script wrote to {@code <scratch>/<name>}, once it has. */
	long pid(String name) {
		Path file = this.scratch.resolve(name);
		String text = await().atMost(PATIENCE)
			.until(() -> Files.exists(file) ? Files.readString(file).strip() : "", (written) -> !written.isEmpty());
		return Long.parseLong(text);
	}

	/** Whether a process runs: a zombie, exited but not yet reaped, does not. */
	static boolean isRunning(long pid) {
		return ProcessHandle.of(pid).map(ProcessTree::isRunning).orElse(false);
	}

	static Task inState(TaskStore store, TaskId id, Predicate<Task> condition) {
		return await().atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> store.index().find(id), (task) -> task.isPresent() && condition.test(task.get()))
			.orElseThrow();
	}

}
