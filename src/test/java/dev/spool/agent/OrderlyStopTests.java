package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import dev.spool.ModelStub;
import dev.spool.ModelReply;
import dev.spool.SpoolApplication;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.TaskStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping Spool while an agent waits on the model hands the task back to pending without counting an attempt. */
class OrderlyStopTests {

	@TempDir
	Path workspace;

	@Test
	void stoppingSpoolHandsUnfinishedClaimsBackWithoutCountingThem() throws IOException {
		try (ModelStub model = ModelStub.start().otherwise(ModelReply.silence())) {
			ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class).run(
					"--server.port=0", "--spool.workspace=" + this.workspace,
					"--spring.ai.openai.api-key=test", "--spring.ai.openai.max-retries=0",
					"--spring.ai.openai.base-url=" + model.baseUrl(), "--spool.task-timeout=1m");
			TaskStore store = spool.getBean(TaskStore.class);
			String id = store.create(NewTask.of("never answered")).id().text();
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> taskFiles().stream()
				.anyMatch((name) -> name.startsWith(id + "_inprogress_")));

			spool.close();

			assertThat(taskFiles()).containsExactly(id + "_pending.md");
			assertThat(this.workspace.resolve(".spool/attempts")).isEmptyDirectory();
			// Once Spool has stopped, the manifest says what the files say.
			assertThat(this.workspace.resolve("manifest.json")).content()
				.containsPattern("\"id\" : \"" + id + "\",\\s+\"status\" : \"pending\"");
			assertThat(Files.readAllLines(this.workspace.resolve("manifest.journal")))
				.as("the journal after a stop: its header alone, every change is in manifest.json").hasSize(1);
		}
	}

	private java.util.List<String> taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.workspace.resolve("tasks"))) {
			return files.map((path) -> path.getFileName().toString()).toList();
		}
	}

}
