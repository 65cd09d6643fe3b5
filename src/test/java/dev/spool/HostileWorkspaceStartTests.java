package dev.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.spool.agent.AgentCatalog;
import dev.spool.workspace.HostileYaml;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Spool starts on a workspace holding hostile task files and agent definitions, and does the work it can. */
class HostileWorkspaceStartTests {

	@TempDir
	Path workspace;

	@Test
	void spoolStartsFlagsTheBadFilesAndTheOfflineModelDoesTheGoodTask() throws IOException {
		Path tasks = Files.createDirectories(this.workspace.resolve("tasks"));
		Path agents = Files.createDirectories(this.workspace.resolve("agents"));
		Files.writeString(tasks.resolve("task_001_pending.md"), "---\ndepends_on: [~]\n---\nNever taken.\n");
		Files.writeString(tasks.resolve("task_002_pending.md"), "---\ntitle: Greeting\n---\nSay hello.\n");
		Files.writeString(agents.resolve("agent_a.md"), "---\nconcurrency: 1\n---\nYou answer briefly.\n");
		Files.writeString(agents.resolve("laughs.md"), HostileYaml.billionLaughs("roles"));

		try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class)
			.run("--server.port=0", "--spool.workspace=" + this.workspace)) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> Files.exists(tasks.resolve("task_002_done.md"))
						&& Files.exists(this.workspace.resolve("outputs/task_002_result.md")));

			assertThat(this.workspace.resolve("outputs/task_002_result.md")).content().contains("Offline model");
			assertThat(tasks.resolve("task_001_pending.md")).exists();
			assertThat(spool.getBean(TaskIndex.class).find(TaskId.of(1)).orElseThrow().problem())
				.isEqualTo("depends_on: item 1 is empty, not a task id");
			assertThat(spool.getBean(AgentCatalog.class).problems()).containsOnlyKeys("laughs.md");
		}
	}

}
