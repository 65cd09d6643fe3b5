package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.spool.workspace.WorkspaceLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AgentCatalogTests {

	@TempDir
	Path root;

	@Test
	void anEmptyAgentsFolderGetsTheDefaultsAndTheOrchestratorIsNotAWorker() throws IOException {
		AgentCatalog catalog = catalog();

		catalog.writeDefaultsIfEmpty();
		catalog.reload();

		assertThat(this.root.resolve("agents")).isDirectoryContaining("glob:**/orchestrator.md")
			.isDirectoryContaining("glob:**/agent_a.md")
			.isDirectoryContaining("glob:**/agent_b.md");
		assertThat(catalog.all()).extracting(AgentDefinition::name).containsExactly("agent_a", "agent_b");
		assertThat(catalog.find("agent_a").orElseThrow().concurrency()).isEqualTo(2);
	}

	@Test
	void existingDefinitionsAreLeftAsTheyAre() throws IOException {
		AgentCatalog catalog = catalog();
		Files.writeString(this.root.resolve("agents/solo.md"), "Only me.");

		catalog.writeDefaultsIfEmpty();
		catalog.reload();

		assertThat(catalog.all()).extracting(AgentDefinition::name).containsExactly("solo");
		assertThat(catalog.find("solo").orElseThrow().systemPrompt()).isEqualTo("Only me.");
	}

	@Test
	void aReloadSeesAddedChangedAndBrokenDefinitions() throws IOException {
		AgentCatalog catalog = catalog();
		Files.writeString(this.root.resolve("agents/writer.md"), "---\nmodel: llama3.2\n---\nWrite.");
		catalog.reload();

		Files.writeString(this.root.resolve("agents/writer.md"),
				"---\nmodel: qwen3\ntemperature: 0.5\nconcurrency: 3\nroles: [writer]\n---\nWrite well.");
		Files.writeString(this.root.resolve("agents/Bad_Name.md"), "x");
		Files.writeString(this.root.resolve("agents/broken.md"), "---\nconcurrency: [\n---\nx");
		boolean changed = catalog.reload();

		assertThat(changed).isTrue();
		AgentDefinition writer = catalog.find("writer").orElseThrow();
		assertThat(writer.model()).isEqualTo("qwen3");
		assertThat(writer.temperature()).isEqualTo(0.5);
		assertThat(writer.concurrency()).isEqualTo(3);
		assertThat(writer.roles()).containsExactly("writer");
		assertThat(writer.systemPrompt()).isEqualTo("Write well.");
		assertThat(catalog.problems()).containsKeys("Bad_Name.md", "broken.md");
		assertThat(catalog.reload()).isFalse();
	}

	@Test
	void concurrencyMustBeSensible() {
		assertThatIllegalArgumentException().isThrownBy(() -> AgentCatalog.parse("a", "---\nconcurrency: 0\n---\nx"))
			.withMessageContaining("between 1 and");
	}

	private AgentCatalog catalog() throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		return new AgentCatalog(layout);
	}

}
