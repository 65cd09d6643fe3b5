package dev.spool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.ModelStub;
import dev.spool.manifest.ManifestReader;

/**
 * A Spool process and another process sharing one workspace: whatever order the other's renames, links and records
 * arrive in relative to this one's rescans, the manifest ends up saying what the files say.
 */
class ManifestConvergenceTests {

	/** Short, so a test that waits for convergence waits a few of them. */
	private static final Duration RESCAN = Duration.ofMillis(300);

	@TempDir
	Path workspace;

	private ModelStub model;

	private SpoolProcess spool;

	@BeforeEach
	void startSpoolWithoutFileEvents() throws Exception {
		this.model = SlowModel.start(10, 20);
		// Without file events, as for changes another NFS client makes, the rescan alone must see everything.
		this.spool = SpoolProcess.launch("convergence", this.workspace, this.model,
				Path.of("target", "convergence").toAbsolutePath(),
				Map.of("spool.watch", "false", "spool.rescan-interval", RESCAN.toMillis() + "ms"));
		this.spool.awaitStarted(Duration.ofSeconds(180));
	}

	@AfterEach
	void stop() {
		if (this.spool != null) {
			this.spool.killQuietly();
		}
		if (this.model != null) {
			this.model.close();
		}
	}

	@Test
	void anOutputLinkedAfterARescanSawTheCommitStillReachesTheManifest() throws IOException {
		Path tasks = this.workspace.resolve("tasks");
		Files.writeString(tasks.resolve("task_001_pending.md"), "---\nagent: elsewhere\n---\n\nAnswer me\n");
		awaitEntry("pending", (entry) -> entry.path("status").asString().equals("pending"));

		// The other process claims, stages its answer and commits by renaming its claim to done...
		Instant started = Instant.now();
		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_inprogress_elsewhere.md"),
				StandardCopyOption.ATOMIC_MOVE);
		Path staged = this.workspace.resolve("outputs/.task_001.staged.tmp");
		Files.writeString(staged, "the late answer", StandardCharsets.UTF_8);
		Files.move(tasks.resolve("task_001_inprogress_elsewhere.md"), tasks.resolve("task_001_done.md"),
				StandardCopyOption.ATOMIC_MOVE);

		// ...and this process rescans before the output is linked and the attempt recorded.
		JsonNode committed = awaitEntry("done, without its output yet",
				(entry) -> entry.path("status").asString().equals("done"));
		assertThat(committed.path("output").isMissingNode()).isTrue();

		Instant finished = Instant.now();
		Files.createLink(this.workspace.resolve("outputs/task_001_result.md"), staged);
		Files.delete(staged);
		Files.writeString(this.workspace.resolve(".spool/attempts/task_001.1.json"), """
				{"number": 1, "outcome": "DONE", "agent": "elsewhere", "started_at": "%s", "finished_at": "%s",
				 "model": "other-model", "offline": false, "tokens": {"prompt": 11, "completion": 22, "total": 33}}
				""".formatted(started, finished));

		JsonNode converged = awaitEntry("with the output, owner, tokens and record",
				(entry) -> entry.path("output").asString("").equals("outputs/task_001_result.md")
						&& entry.path("tokens").path("total").asLong() == 33);
		assertThat(converged.path("owner").asString()).isEqualTo("elsewhere");
		assertThat(converged.path("model").asString()).isEqualTo("other-model");
		assertThat(converged.path("attempts").asInt()).isEqualTo(1);
		assertThat(Instant.parse(converged.path("completed_at").asString())).isEqualTo(finished);
		assertThat(this.spool.warnings()).noneMatch((line) -> line.contains(" ERROR "));
	}

	/** Waits up to ten rescans for the manifest's entry of task_001 to satisfy a condition, and returns it. */
	private JsonNode awaitEntry(String what, Predicate<JsonNode> condition) {
		JsonNode[] found = new JsonNode[1];
		await(what).atMost(RESCAN.multipliedBy(10).plusSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
			Optional<JsonNode> entry = entry();
			entry.ifPresent((value) -> found[0] = value);
			return entry.isPresent() && condition.test(entry.get());
		});
		return found[0];
	}

	private Optional<JsonNode> entry() {
		try {
			JsonNode manifest = ManifestReader.read(this.workspace);
			for (JsonNode entry : manifest.path("tasks")) {
				if (entry.path("id").asString().equals("task_001")) {
					return Optional.of(entry);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not written yet.
		}
		return Optional.empty();
	}

}
