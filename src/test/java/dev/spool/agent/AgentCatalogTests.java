package dev.spool.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.spool.workspace.HostileYaml;
import dev.spool.workspace.WorkspaceLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
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
	void aDefinitionListsTheToolsItsModelMayUseAndNothingListedOffersNothing() {
		AgentDefinition helper = AgentCatalog.parse("helper", "---\ntools: [spool, everything]\n---\nHelp.");

		assertThat(helper.tools()).containsExactly("spool", "everything");
		assertThat(helper.usesSpoolTools()).isTrue();
		assertThat(helper.mcpServers()).containsExactly("everything");
		assertThat(AgentCatalog.parse("one", "---\ntools: spool\n---\nx").tools()).containsExactly("spool");
		AgentDefinition plain = AgentCatalog.parse("plain", "---\nmodel: qwen3\n---\nx");
		assertThat(plain.tools()).isEmpty();
		assertThat(plain.usesSpoolTools()).isFalse();
	}

	@Test
	void badToolListsAreRefusedWithAReasonThatNamesTheField() {
		assertThat(problem("tools: {spool: yes}")).isEqualTo("tools: is a map, not spool or an MCP server's name "
				+ "(letters, digits, _ . -) or a list of them");
		assertThat(problem("tools: [spool, ~]")).startsWith("tools: item 2 is empty");
		assertThat(problem("tools: [spool, \"../bin/sh\"]")).startsWith("tools: item 2 '../bin/sh' is not spool");
		assertThat(problem("tools: [\"a b\"]")).startsWith("tools: item 1 'a b' is not spool");
		assertThat(problem("tools: [spool, spool]")).isEqualTo("tools: lists spool twice");
		assertThat(problem("tools: [spool]\ncommand: [cat]"))
			.isEqualTo("tools: are offered to a model, but this agent runs a command, which asks no model");
		assertThat(problem("tools: [spool]\noutside: true"))
			.isEqualTo("tools: are offered to a model, but this agent is outside Spool, which asks no model");
	}

	@Test
	void aDefinitionWithBadToolsIsNotRunAndItsReasonIsKept() throws IOException {
		AgentCatalog catalog = catalog();
		Files.writeString(this.root.resolve("agents/good.md"), "---\ntools: [spool]\n---\nWork.");
		Files.writeString(this.root.resolve("agents/bad.md"), "---\ntools: [spool, spool]\n---\nWork.");
		catalog.reload();

		assertThat(catalog.all()).extracting(AgentDefinition::name).containsExactly("good");
		assertThat(catalog.problems()).containsEntry("bad.md", "tools: lists spool twice");
	}

	private static String problem(String frontMatter) {
		return catchThrowableOfType(IllegalArgumentException.class,
				() -> AgentCatalog.parse("a", "---\n" + frontMatter + "\n---\nx"))
			.getMessage();
	}

	@Test
	void concurrencyMustBeSensible() {
		assertThatIllegalArgumentException().isThrownBy(() -> AgentCatalog.parse("a", "---\nconcurrency: 0\n---\nx"))
			.withMessageContaining("between 1 and");
	}

	@Test
	void badDefinitionsAreSkippedWithAOneLineReasonAndNeverStopAReload() throws IOException {
		AgentCatalog catalog = catalog();
		Path agents = this.root.resolve("agents");
		Files.writeString(agents.resolve("good.md"), "---\nconcurrency: 2\n---\nWork.");
		Files.writeString(agents.resolve("laughs.md"), HostileYaml.billionLaughs("roles"));
		Files.writeString(agents.resolve("nested.md"), "---\nroles: " + "[".repeat(5000) + "]".repeat(5000) + "\n---\n");
		Files.writeString(agents.resolve("nulls.md"), "---\nroles: [writer, ~]\n---\nx");
		Files.writeString(agents.resolve("huge.md"), "---\nconcurrency: 99999999999999999999\n---\nx");
		Files.writeString(agents.resolve("nan.md"), "---\ntemperature: .nan\n---\nx");
		Files.writeString(agents.resolve("model.md"), "---\nmodel: {name: qwen3}\n---\nx");
		Files.write(agents.resolve("binary.md"), new byte[] { '-', '-', '-', '\n', (byte) 0xff, (byte) 0xfe });
		try (RandomAccessFile big = new RandomAccessFile(agents.resolve("big.md").toFile(), "rw")) {
			big.setLength(10L * 1024 * 1024);
		}

		catalog.reload();

		assertThat(catalog.all()).extracting(AgentDefinition::name).containsExactly("good");
		assertThat(catalog.problems()).containsOnlyKeys("laughs.md", "nested.md", "nulls.md", "huge.md", "nan.md",
				"model.md", "binary.md", "big.md")
			.containsEntry("nulls.md", "roles: item 2 is empty, not text")
			.containsEntry("huge.md", "concurrency: '99999999999999999999' is out of range (-2147483648 to 2147483647)")
			.containsEntry("nan.md", "temperature: '.nan' is not a number")
			.containsEntry("model.md", "model: is a map, not text")
			.containsEntry("binary.md", "is not UTF-8 text")
			.containsEntry("big.md", "is 10485760 bytes, more than the limit of 1048576");
		assertThat(catalog.problems().get("laughs.md")).startsWith("front matter cannot be read: ").contains("aliases");
		assertThat(catalog.problems().get("nested.md")).startsWith("front matter cannot be read: ")
			.contains("Nesting Depth");
		assertThat(catalog.problems().values()).allSatisfy((reason) -> assertThat(reason).doesNotContain("\n"));
	}

	private AgentCatalog catalog() throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		return new AgentCatalog(layout);
	}

}
