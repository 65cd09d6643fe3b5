package dev.spool.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference shell agent ({@code examples/shell-agent.sh}) honours {@code agents/<name>.quiet} on the files alone:
 * it finishes the task it holds, takes no new one while the marker is there (seen by its idle loop going round, each
 * turn a {@code sleep 0.2} that a stand-in for {@code sleep} records), and takes it once the marker is removed.
 */
class ShellAgentQuietTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	@TempDir
	Path folder;

	private Process agent;

	@AfterEach
	void stopTheAgent() throws Exception {
		if (this.agent != null) {
			// Waited for before the folder is removed: a process still writing into it fails the removal.
			ProcessGroup.kill(this.agent);
		}
	}

	@Test
	void aQuietShellAgentFinishesWhatItHoldsAndTakesNothingNewUntilTheMarkerIsRemoved() throws Exception {
		Path workspace = this.folder.resolve("workspace");
		for (String sub : List.of("tasks", "outputs", "agents", "failures", ".spool/staging", ".spool/attempts")) {
			Files.createDirectories(workspace.resolve(sub));
		}
		Path ticks = this.folder.resolve("ticks");
		Path bin = Files.createDirectories(this.folder.resolve("bin"));
		Path sleep = Files.writeString(bin.resolve("sleep"),
				"#!/bin/bash\necho \"$*\" >> '" + ticks + "'\nexec /bin/sleep \"$@\"\n");
		Files.setPosixFilePermissions(sleep, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path go = this.folder.resolve("go");
		Files.writeString(workspace.resolve("tasks/task_001_pending.md"), "---\nagent: shellbot\n---\nOne two three\n");
		ProcessBuilder builder = new ProcessBuilder(Path.of("examples/shell-agent.sh").toAbsolutePath().toString(),
				workspace.toString(), "shellbot", "bash", "-c",
				"while [ ! -e '" + go + "' ]; do /bin/sleep 0.05; done; wc -w")
			.redirectErrorStream(true)
			.redirectOutput(this.folder.resolve("agent.log").toFile());
		builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
		this.agent = ProcessGroup.start(builder);
		await().atMost(PATIENCE).until(() -> Files.exists(workspace.resolve("tasks/task_001_inprogress_shellbot.md")));

		Path marker = Files.createFile(workspace.resolve("agents/shellbot.quiet"));
		Files.writeString(workspace.resolve("tasks/task_002_pending.md"), "---\nagent: shellbot\n---\nFour five\n");
		Files.createFile(go);
		await().atMost(PATIENCE).until(() -> Files.exists(workspace.resolve("tasks/task_001_done.md")));
		long idleBefore = idleTurns(ticks);
		await().atMost(PATIENCE).until(() -> idleTurns(ticks) >= idleBefore + 3);
		assertThat(workspace.resolve("tasks/task_002_pending.md")).as("the new task while the agent is quiet").exists();

		Files.delete(marker);
		// The result is linked just after the rename to done: it is the last thing the agent does for a task.
		await().atMost(PATIENCE).until(() -> Files.exists(workspace.resolve("outputs/task_002_result.md")));
		assertThat(workspace.resolve("tasks/task_002_done.md")).exists();
		assertThat(workspace.resolve("outputs/task_002_result.md")).content().endsWith("2\n");
	}

	/** How often the agent's loop found nothing to take and slept before looking again. */
	private static long idleTurns(Path ticks) throws IOException {
		return Files.exists(ticks) ? Files.readAllLines(ticks).stream().filter("0.2"::equals).count() : 0;
	}

}
