package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** How an agent definition names a command, and which such definitions are refused. */
class CommandDefinitionTests {

	@TempDir
	Path folder;

	@Test
	void aCommandIsAFlowOrBlockListOfStringsKeptAsWritten() {
		assertThat(AgentCatalog.parse("a", "---\ncommand: [\"ollama\", run, 'llama3.2']\n---\nHelps.\n").command())
			.containsExactly("ollama", "run", "llama3.2");
		AgentDefinition block = AgentCatalog.parse("a",
				"---\ncommand:\n  - bash\n  - -c\n  - 'echo \"$SPOOL_TASK_ID\" | wc -c'\n---\n");
		assertThat(block.command()).containsExactly("bash", "-c", "echo \"$SPOOL_TASK_ID\" | wc -c");
		assertThat(block.runsCommand()).isTrue();
		assertThat(block.model()).isNull();
		assertThat(AgentCatalog.parse("a", "---\nmodel: gpt-4o\n---\n").runsCommand()).isFalse();
	}

	@Test
	void aCommandThatIsNotAListOfStringsIsRefusedWithTheReason() {
		assertRefused("command: []", "command: is an empty list");
		assertRefused("command:", "command: must be a list of strings");
		assertRefused("command: ollama run llama3.2", "command: must be a list of strings");
		assertRefused("command: [sleep, 300]", "command: item 2 is '300', not a string (quote it to make it one)");
		assertRefused("command: [run, [a, b]]", "command: item 2 is a list, not a string");
		assertRefused("command: [run, {a: b}]", "command: item 2 is a map, not a string");
		assertRefused("command: [run, ~]", "command: item 2 is empty, not a string");
		assertRefused("command: [\"\", x]", "command: the program to run (item 1) is empty");
		assertRefused("command: [\"true\"]\nmodel: gpt-4o", "names both a command and a model");
		assertRefused("command: [\"true\"]\noutside: true", "names a command and says it is outside");
	}

	@Test
	void aCommandDefinitionOnlyItsOwnerCanWriteIsTaken() throws IOException {
		Path file = definition("rw-r--r--");
		Files.setPosixFilePermissions(this.folder, PosixFilePermissions.fromString("rwxr-xr-x"));

		assertThat(AgentCatalog.read("runner", file).command()).containsExactly("true");
	}

	@Test
	void aCommandDefinitionInAFolderOthersCanWriteIsRefused() throws IOException {
		Path file = definition("rw-------");
		Files.setPosixFilePermissions(this.folder, PosixFilePermissions.fromString("rwxrwxr-x"));

		assertThatIllegalArgumentException().isThrownBy(() -> AgentCatalog.read("runner", file))
			.withMessageContaining("the agents/ folder can be written by its group (rwxrwxr-x)");
	}

	@Test
	void aModelDefinitionOthersCanWriteIsTakenAsBefore() throws IOException {
		Path file = this.folder.resolve("writer.md");
		Files.writeString(file, "---\nmodel: gpt-4o\n---\nWrites.\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

		assertThat(AgentCatalog.read("writer", file).model()).isEqualTo("gpt-4o");
	}

	private Path definition(String permissions) throws IOException {
		Path file = this.folder.resolve("runner.md");
		Files.writeString(file, "---\ncommand: [\"true\"]\n---\nRuns.\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
		return file;
	}

	private static void assertRefused(String frontMatter, String reason) {
		assertThatIllegalArgumentException().as(frontMatter)
			.isThrownBy(() -> AgentCatalog.parse("a", "---\n" + frontMatter + "\n---\nHelps.\n"))
			.withMessageContaining(reason);
	}

}
