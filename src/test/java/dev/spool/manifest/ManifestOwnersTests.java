package dev.spool.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import dev.spool.MutableClock;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The manifest remembers who did a finished task when its file no longer says, across a restart. */
class ManifestOwnersTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void theManifestIsRebuiltFromTheFilesAndRemembersAShellAgentsName() throws IOException {
		Workspace workspace = open();
		Files.writeString(this.root.resolve("tasks/task_7_inprogress_shellbot.md"), "by hand");
		workspace.index().rescan();
		write(workspace);
		workspace.close();
		Files.move(this.root.resolve("tasks/task_7_inprogress_shellbot.md"), this.root.resolve("tasks/task_7_done.md"));
		Files.writeString(this.root.resolve("manifest.json"), "{ broken", StandardOpenOption.APPEND);
		Files.writeString(this.root.resolve("manifest.json"), "{\"tasks\":[{\"id\":\"task_7\",\"owner\":\"shellbot\"}]}");

		Workspace reopened = open();
		// Read again after the start, edited by hand: the owner the manifest told stays with the task.
		Files.writeString(this.root.resolve("tasks/task_7_done.md"), "edited by hand");
		reopened.index().taskFileChanged("task_7_done.md", true);
		write(reopened);

		JsonNode manifest = ManifestReader.read(this.root);
		JsonNode entry = manifest.path("tasks").get(0);
		assertThat(entry.path("id").asString()).isEqualTo("task_7");
		assertThat(entry.path("status").asString()).isEqualTo("done");
		assertThat(reopened.index().find(TaskId.parse("task_7").orElseThrow()).orElseThrow().document().prompt())
			.as("read again")
			.isEqualTo("edited by hand");
		assertThat(entry.path("owner").asString()).isEqualTo("shellbot");
	}

	@Test
	void aManifestThatIsNotJsonRemembersNoOneAndIsRebuilt() throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		Files.writeString(this.root.resolve("tasks/task_7_done.md"), "by hand");
		Files.writeString(this.root.resolve("manifest.json"), "{ broken");

		write(open());

		JsonNode entry = ManifestReader.read(this.root).path("tasks").get(0);
		assertThat(entry.path("id").asString()).isEqualTo("task_7");
		assertThat(entry.path("owner").isMissingNode() || entry.path("owner").isNull()).isTrue();
	}

	private Workspace open() throws IOException {
		return Workspace.open(this.root, new Workspace.Settings(false, 1024, 2),
				new Workspace.Extensions(List.of(), ManifestReader::owners), this.clock, (change) -> {
				});
	}

	private static void write(Workspace workspace) throws IOException {
		ManifestWriter manifest = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index());
		manifest.write();
		manifest.close();
	}

}
