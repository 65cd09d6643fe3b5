package dev.spool.mcpclient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.OtherUser;
import dev.spool.mcpclient.McpServerStatus.State;

import static dev.spool.mcpclient.TestMcpServers.EVERYTHING;
import static dev.spool.mcpclient.TestMcpServers.everything;
import static dev.spool.mcpclient.TestMcpServers.processesRunning;
import static dev.spool.mcpclient.TestMcpServers.tool;
import static dev.spool.mcpclient.TestMcpServers.writeMcpJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing {@code mcp.json} means choosing programs Spool runs: one that another user wrote, could write, or swapped
 * for a link starts nothing, and says why. The workspace is shared as {@code /tmp} is (root's, sticky, writable by
 * all), which Spool accepts: others may add files there, but those files are theirs.
 */
class McpJsonTrustTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@TempDir
	Path workspace;

	McpServers servers;

	@BeforeEach
	void start() throws Exception {
		OtherUser.assumeAvailable();
		// Java cannot set the sticky bit.
		assertThat(new ProcessBuilder("chmod", "1777", this.workspace.toString()).inheritIO().start().waitFor())
			.isZero();
		OtherUser.mayPassThroughParentsOf(this.workspace);
		this.servers = TestMcpServers.servers(this.workspace, TIMEOUT, TIMEOUT);
		this.servers.start();
	}

	@AfterEach
	void stop() {
		if (this.servers != null) {
			this.servers.stop();
		}
	}

	@Test
	void aFileSpoolsUserWroteInTheSharedWorkspaceIsUsed() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));

		assertThat(tool(this.servers.tools("everything"), "everything__echo").call("{\"message\": \"hi\"}"))
			.isEqualTo("Echo: hi");
	}

	@Test
	void aFileAnotherUserWroteStartsNothing() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		String text = Files.readString(this.workspace.resolve("mcp.json"));
		Files.delete(this.workspace.resolve("mcp.json"));
		OtherUser.run(TIMEOUT, "sh", "-c", "printf %s \"$1\" > \"$2\"", "sh", text,
				this.workspace.resolve("mcp.json").toString());

		assertRefused("is owned by user " + OtherUser.ID + ", not by Spool's user");
	}

	@Test
	void aFileOthersMayWriteStartsNothing() throws Exception {
		writeMcpJson(this.workspace, Map.of("everything", everything()));
		Files.setPosixFilePermissions(this.workspace.resolve("mcp.json"), PosixFilePermissions.fromString("rw-rw-r--"));

		assertRefused("can be written by its group (rw-rw-r--): not run until 'chmod go-w");

		Files.setPosixFilePermissions(this.workspace.resolve("mcp.json"), PosixFilePermissions.fromString("rw-r--rw-"));
		assertRefused("can be written by other users");
	}

	@Test
	void aLinkInPlaceOfTheFileStartsNothing() throws Exception {
		Path real = Files.createDirectory(this.workspace.resolve("spools"));
		writeMcpJson(real, Map.of("everything", everything()));
		OtherUser.run(TIMEOUT, "ln", "-s", real.resolve("mcp.json").toString(),
				this.workspace.resolve("mcp.json").toString());

		assertRefused("mcp.json is a symbolic link, not a regular file");
	}

	@Test
	void aProgramOthersCouldHaveChosenIsRefusedAndTheOtherServersRun() throws Exception {
		Path shared = Files.createDirectory(this.workspace.resolve("shared-bin"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path program = Files.writeString(shared.resolve("server"), "#!/bin/sh\nexec node \"$@\"\n");
		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
		writeMcpJson(this.workspace, Map.of("planted", Map.of("command", program.toString()), "everything",
				everything()));

		assertThat(this.servers.tools("planted").problem()).startsWith("MCP server 'planted' in mcp.json is not used:"
				+ " command: the folder " + shared + " can be written by other users");
		assertThat(this.servers.statuses()).filteredOn((status) -> status.name().equals("planted"))
			.extracting(McpServerStatus::state)
			.containsExactly(State.REFUSED);
		assertThat(tool(this.servers.tools("everything"), "everything__echo").call("{\"message\": \"hi\"}"))
			.isEqualTo("Echo: hi");
	}

	private void assertRefused(String reason) {
		ServerTools tools = this.servers.tools("everything");

		assertThat(tools.tools()).isEmpty();
		assertThat(tools.problem()).startsWith("MCP server 'everything' is not available: mcp.json").contains(reason);
		assertThat(this.servers.fileProblem()).hasValueSatisfying((problem) -> assertThat(problem).contains(reason));
		assertThat(this.servers.statuses()).isEmpty();
		assertThat(processesRunning(EVERYTHING)).as("nothing started").isEmpty();
	}

}
