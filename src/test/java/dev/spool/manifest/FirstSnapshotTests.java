package dev.spool.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.spool.MutableClock;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/**
 * The snapshot a start begins with is written before Spool serves for a small workspace, and on the writer's own
 * thread for a large one, whose previous manifest stays whole until the new one replaces it.
 */
class FirstSnapshotTests {

	private static final int TASKS = 30;

	@TempDir
	Path root;

	@Test
	void aSmallWorkspacesFirstSnapshotIsWrittenBeforeTheStartGoesOn() throws IOException {
		Workspace workspace = open();
		ManifestWriter manifest = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index(),
				ManifestWriter.CHEAP_SNAPSHOT_BYTES, TASKS);
		try {
			manifest.writeFirst();

			assertThat(ids(ManifestReader.read(this.root))).hasSize(TASKS);
		}
		finally {
			manifest.close();
			workspace.close();
		}
	}

	@Test
	void aLargeWorkspacesFirstSnapshotIsWrittenOnTheWritersThreadWhileThePreviousOneStaysWhole() throws IOException {
		Files.writeString(this.root.resolve("manifest.json"),
				"{\"generation\":\"before\",\"tasks\":[{\"id\":\"task_1\"}]}");
		Workspace workspace = open();
		ManifestWriter manifest = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index(),
				ManifestWriter.CHEAP_SNAPSHOT_BYTES, TASKS - 1);
		try {
			manifest.writeFirst();

			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				// Whole at every look: the previous manifest, or the new one.
				List<String> ids = ids(ManifestReader.read(this.root));
				assertThat(ids.equals(List.of("task_1")) || ids.size() == TASKS).as("whole: %s", ids).isTrue();
				assertThat(ids).hasSize(TASKS);
			});
		}
		finally {
			manifest.close();
			workspace.close();
		}
	}

	@Test
	void aLargeWorkspacesFirstSnapshotThatCannotBeWrittenDoesNotHoldUpOrStopTheStart() throws IOException {
		// A folder where the snapshot goes: no file can replace it.
		Files.createDirectories(this.root.resolve("manifest.json/kept"));
		Workspace workspace = open();
		ManifestWriter small = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index(),
				ManifestWriter.CHEAP_SNAPSHOT_BYTES, TASKS);
		ManifestWriter large = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index(),
				ManifestWriter.CHEAP_SNAPSHOT_BYTES, TASKS - 1);
		try {
			assertThatIOException().as("written at once").isThrownBy(small::writeFirst);
			assertThatNoException().as("written on the writer's thread").isThrownBy(large::writeFirst);
		}
		finally {
			small.close();
			large.close();
			workspace.close();
		}
		assertThat(this.root.resolve("manifest.json/kept")).isDirectory();
	}

	private Workspace open() throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		for (int n = 1; n <= TASKS; n++) {
			Files.writeString(this.root.resolve("tasks/task_" + (1000 + n) + "_pending.md"), "Task " + n + ".\n");
		}
		return Workspace.open(this.root, new Workspace.Settings(false, 1024, 2), MutableClock.startingNow(),
				(change) -> {
				});
	}

	private static List<String> ids(JsonNode manifest) {
		List<String> ids = new ArrayList<>();
		manifest.path("tasks").forEach((task) -> ids.add(task.path("id").asString()));
		return ids;
	}

}
