package dev.spool.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import dev.spool.Generators;
import dev.spool.PropertyCheck;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owners a start remembers, read from the manifest as a stream, are the agents' names the merged manifest gives
 * as text: snapshots and journals generated with owners or none, ids repeated or missing, removals, lines cut short
 * or of another generation.
 */
class ManifestOwnersPropertyTests {

	@TempDir
	Path root;

	@Test
	void theOwnersReadAsAStreamAreThoseOfTheMergedManifest() {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		PropertyCheck.forAll("theOwnersReadAsAStreamAreThoseOfTheMergedManifest", ManifestOwnersPropertyTests::manifest)
			.describedBy((files) -> "manifest.json: " + files[0] + "\nmanifest.journal: " + files[1])
			.classify((files) -> {
				write(layout, files);
				Map<TaskId, String> expected = merged(layout);
				assertThat(ManifestReader.owners(layout)).isEqualTo(expected);
				return expected.isEmpty() ? "no owner" : "owners";
			})
			.reachMoreThan("owners", 10)
			.reachMoreThan("no owner", 5);
	}

	private static void write(WorkspaceLayout layout, String[] files) {
		try {
			Files.writeString(layout.manifest(), files[0]);
			Files.writeString(layout.manifestJournal(), files[1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Map<TaskId, String> merged(WorkspaceLayout layout) {
		Map<TaskId, String> owners = new HashMap<>();
		JsonNode manifest;
		try {
			manifest = ManifestReader.read(layout);
		}
		catch (IOException | RuntimeException ex) {
			return owners;
		}
		for (JsonNode entry : manifest.path("tasks")) {
			JsonNode given = entry.path("owner");
			String owner = given.isString() ? given.asString() : null;
			TaskId.parse(entry.path("id").asString(null)).ifPresent((id) -> {
				if (owner != null && AgentNames.isValid(owner)) {
					owners.put(id, owner);
				}
			});
		}
		return owners;
	}

	private static String[] manifest(Random random) {
		String generation = Generators.pick(random, "g1", "g2");
		String entries = Generators.join(random, 0, 8, ",\n", () -> entry(random, false));
		String snapshot = "{\"generation\" : \"" + generation + "\", \"tasks\" : [" + entries + "]}";
		String journal = "{\"generation\":\"" + Generators.pick(random, generation, generation, generation, "g3")
				+ "\"}\n" + Generators.join(random, 0, 6, "", () -> entry(random, true) + "\n")
				+ Generators.pick(random, "", "", "{\"id\":\"task_1\",\"owner\":\"cut\"");
		return new String[] { snapshot, journal };
	}

	private static String entry(Random random, boolean line) {
		String id = Generators.pick(random, "\"id\" : \"task_1\"", "\"id\" : \"task_2\"", "\"id\" : \"task_003\"",
				"\"id\" : \"nonsense\"", "\"status\" : \"done\"");
		String owner = Generators.pick(random, "", ", \"owner\" : \"shellbot\"", ", \"owner\" : \"agent_a\"",
				", \"owner\" : null", ", \"owner\" : 7",
				", \"owner\" : true", ", \"owner\" : \"../etc\"", ", \"owner\" : \"a_done\"", ", \"owner\" : {\"a\" : 1}", ", \"owner\" : [\"x\"]", ", \"owner\" : 2.50");
		String more = Generators.pick(random, "", ", \"depends_on\" : [\"task_1\", {\"x\" : [1]}]",
				", \"tokens\" : {\"prompt\" : 3}", (line) ? ", \"removed\" : true" : "");
		return "{" + id + owner + more + "}";
	}

}
