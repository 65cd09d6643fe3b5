package dev.spool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Worker mode: the same application with {@code spring.main.web-application-type=none} runs agents on the workspace
 * and opens no port, so more agents can run as separate processes beside a Spool that serves the dashboard.
 */
class WorkerModeTests {

	@TempDir
	Path workspace;

	@Test
	void aWorkerOpensNoPortAndDoesTheTasksDroppedIntoTheWorkspace() throws Exception {
		try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(SpoolApplication.class)
			.run("--spring.main.web-application-type=none", "--spool.workspace=" + this.workspace)) {
			assertThat(worker).isNotInstanceOf(WebServerApplicationContext.class);

			String prompt = "Say something, " + UUID.randomUUID();
			Path tasks = this.workspace.resolve("tasks");
			Path draft = Files.writeString(tasks.resolve(".draft"), "---\ntitle: From a script\n---\n" + prompt + "\n");
			Files.move(draft, tasks.resolve("task_001_pending.md"), StandardCopyOption.ATOMIC_MOVE);

			Path output = this.workspace.resolve("outputs/task_001_result.md");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> Files.exists(tasks.resolve("task_001_done.md")) && Files.exists(output));
			assertThat(output).content().contains("Offline model", prompt);
		}
	}

}
