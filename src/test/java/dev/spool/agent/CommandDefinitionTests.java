package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.OtherUser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * How an agent definition names a command, and which such definitions are refused: those that anyone but Spool's
 * user and root could have written, or whose program they could have (OpenSSH's StrictModes rule).
 */
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

		assertRefused(file, "names a command, but the agents/ folder " + this.folder
				+ " can be written by its group (rwxrwxr-x)", "not run until 'chmod go-w " + this.folder + "'");
	}

	@Test
	void aCommandDefinitionOwnedByAnotherUserIsRefusedWhateverItsMode() throws IOException {
		OtherUser.assumeAvailable();
		Path file = definition("rw-r--r--");
		Files.setAttribute(file, "unix:uid", OtherUser.ID);

		assertRefused(file, "the definition " + file + " is owned by user " + OtherUser.ID
				+ ", not by Spool's user (0) or root", "'chown 0 " + file + "'");
	}

	@Test
	void aCommandDefinitionReachedThroughASymbolicLinkedAgentsFolderIsRefused() throws IOException {
		Path elsewhere = Files.createDirectories(this.folder.resolve("elsewhere"));
		Files.writeString(elsewhere.resolve("runner.md"), "---\ncommand: [\"true\"]\n---\nRuns.\n");
		Path agents = Files.createSymbolicLink(this.folder.resolve("agents"), elsewhere);

		assertRefused(agents.resolve("runner.md"), "the agents/ folder " + agents + " is a symbolic link",
				"not run until the link is replaced by the folder itself");
	}

	@Test
	void aCommandDefinitionInAWorkspaceOthersCanWriteIsRefused() throws IOException {
		Path workspace = Files.createDirectories(this.folder.resolve("workspace"));
		Path file = definitionIn(Files.createDirectories(workspace.resolve("agents")));
		Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx"));

		assertRefused(file, "the folder " + workspace + " can be written by other users (rwxrwxrwx)",
				"not run until 'chmod go-w " + workspace + "'");
	}

	@Test
	void aStickyFolderAboveIsTrustedOnlyWhenRootOwnsIt() throws IOException {
		OtherUser.assumeAvailable();
		Path shared = Files.createDirectories(this.folder.resolve("shared"));
		Path file = definitionIn(Files.createDirectories(shared.resolve("workspace").resolve("agents")));
		Files.setAttribute(shared, "unix:mode", 01777);

		assertThat(AgentCatalog.read("runner", file).command()).as("like /tmp").containsExactly("true");

		Files.setAttribute(shared, "unix:uid", OtherUser.ID);
		assertRefused(file, "the folder " + shared + " is owned by user " + OtherUser.ID, "chown 0 " + shared);
	}

	@Test
	void aProgramNamedByARelativePathIsRefused() {
		assertRefused("command: [./agent.sh]", "command: the program './agent.sh' is a relative path, which would be"
				+ " looked for in the workspace: name it by its absolute path, or by a bare name found on Spool's PATH");
		assertRefused("command: [bin/agent, --fast]", "command: the program 'bin/agent' is a relative path");
	}

	@Test
	void aProgramOthersCanWriteIsRefusedWhetherNamedByItsPathOrFoundOnThePath() throws IOException {
		Path tools = Files.createDirectories(this.folder.resolve("tools"));
		Path program = Files.writeString(tools.resolve("agent"), "#!/bin/sh\necho hello\n");
		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xrwx"));
		Path agents = Files.createDirectories(this.folder.resolve("agents"));
		CommandEnvironment path = new CommandEnvironment(Map.of("PATH", "relative:" + tools + ":/usr/bin"));

		Path byPath = definitionIn(agents, "by-path", "command: [\"" + program + "\"]");
		assertRefused(byPath, "names a command, but the program " + program
				+ " can be written by other users (rwxr-xrwx)", "'chmod go-w " + program + "'");
		Path byName = definitionIn(agents, "by-name", "command: [agent]");
		assertThatIllegalArgumentException().isThrownBy(() -> AgentCatalog.read("by-name", byName, path))
			.withMessageContaining("the program " + program + " can be written by other users");

		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxrwxr-x"));
		assertRefused(byPath, "the folder " + tools + " can be written by its group", "'chmod go-w " + tools + "'");

		Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(AgentCatalog.read("by-name", byName, path).command()).containsExactly("agent");
	}

	@Test
	void aProgramOwnedByAnotherUserIsRefused() throws IOException {
		OtherUser.assumeAvailable();
		Path program = Files.writeString(this.folder.resolve("agent.sh"), "#!/bin/sh\necho hello\n");
		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.setAttribute(program, "unix:uid", OtherUser.ID);
		Path file = definitionIn(Files.createDirectories(this.folder.resolve("agents")),
				"command: [\"" + program + "\"]");

		assertRefused(file, "the program " + program + " is owned by user " + OtherUser.ID, "chown 0 " + program);
	}

	@Test
	void aProgramReachedThroughSymbolicLinksIsCheckedWhereTheyLead() throws IOException {
		Path tools = Files.createDirectories(this.folder.resolve("tools"));
		Path real = Files.writeString(tools.resolve("agent-1.2"), "#!/bin/sh\necho hello\n");
		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xrwx"));
		Path link = Files.createSymbolicLink(this.folder.resolve("agent"), real);
		Path file = definitionIn(Files.createDirectories(this.folder.resolve("agents")), "command: [\"" + link + "\"]");

		assertRefused(file, "the program " + real + " can be written by other users", "chmod go-w " + real);

		Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(AgentCatalog.read("runner", file).command()).containsExactly(link.toString());
	}

	@Test
	void aCommandMayNameTheVariablesOfSpoolsEnvironmentItNeeds() {
		assertThat(AgentCatalog.parse("a", "---\ncommand: [\"true\"]\nenv: [GITHUB_TOKEN, my_var2]\n---\n")
			.environment()).containsExactly("GITHUB_TOKEN", "my_var2");
		assertThat(AgentCatalog.parse("a", "---\ncommand: [\"true\"]\n---\n").environment()).isEmpty();
		assertRefused("command: [\"true\"]\nenv: [GITHUB-TOKEN]",
				"env: item 1 'GITHUB-TOKEN' is not the name of an environment variable");
		assertRefused("command: [\"true\"]\nenv: [2FA]", "env: item 1 '2FA' is not the name of an environment");
		assertRefused("command: [\"true\"]\nenv: [\"A=b\"]", "env: item 1 'A=b' is not the name");
		assertRefused("model: gpt-4o\nenv: [GITHUB_TOKEN]", "env: names variables for a command, but there is no");
	}

	@Test
	void aModelDefinitionOthersCanWriteIsTakenAsBefore() throws IOException {
		Path file = this.folder.resolve("writer.md");
		Files.writeString(file, "---\nmodel: gpt-4o\n---\nWrites.\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

		assertThat(AgentCatalog.read("writer", file).model()).isEqualTo("gpt-4o");
	}

	private Path definition(String permissions) throws IOException {
		Path file = definitionIn(this.folder);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
		return file;
	}

	private static Path definitionIn(Path agents) throws IOException {
		return definitionIn(agents, "command: [\"true\"]");
	}

	private static Path definitionIn(Path agents, String frontMatter) throws IOException {
		return definitionIn(agents, "runner", frontMatter);
	}

	private static Path definitionIn(Path agents, String name, String frontMatter) throws IOException {
		Path file = agents.resolve(name + ".md");
		Files.writeString(file, "---\n" + frontMatter + "\n---\nRuns.\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		return file;
	}

	private static void assertRefused(Path file, String reason, String fix) {
		String name = file.getFileName().toString().replace(".md", "");
		assertThatIllegalArgumentException().isThrownBy(() -> AgentCatalog.read(name, file))
			.withMessageContaining(reason)
			.withMessageContaining(fix)
			.satisfies((refused) -> assertThat(refused.getMessage()).doesNotContain("\n"));
	}

	private static void assertRefused(String frontMatter, String reason) {
		assertThatIllegalArgumentException().as(frontMatter)
			.isThrownBy(() -> AgentCatalog.parse("a", "---\n" + frontMatter + "\n---\nHelps.\n"))
			.withMessageContaining(reason);
	}

}
