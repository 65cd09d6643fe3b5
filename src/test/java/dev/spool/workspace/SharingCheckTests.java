package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A workspace whose own folders others could write is said to be unsafe, with the command that fixes it. */
class SharingCheckTests {

	@TempDir
	Path root;

	@Test
	void aWorkspaceOnlyItsOwnerMayWriteHasNothingToSay() throws IOException {
		WorkspaceLayout layout = layout("rwxr-xr-x");

		assertThat(SharingCheck.problems(layout)).noneMatch((problem) -> problem.contains(this.root.toString()));
	}

	@Test
	void aRootOrAgentsFolderOthersMayWriteIsNamedWithItsFix() throws IOException {
		WorkspaceLayout layout = layout("rwxrwxrwx");
		Files.setPosixFilePermissions(this.root.resolve("agents"), PosixFilePermissions.fromString("rwxrwxr-x"));

		assertThat(SharingCheck.problems(layout)).anySatisfy((problem) -> assertThat(problem)
			.startsWith(this.root + " can be written by its group or by other users")
			.contains("chmod go-w " + this.root))
			.anySatisfy((problem) -> assertThat(problem).contains("chmod go-w " + this.root.resolve("agents")));
	}

	@Test
	void aStickyRootLikeTmpIsSafeEnough() throws IOException {
		WorkspaceLayout layout = layout("rwxrwxrwx");
		Files.setAttribute(this.root, "unix:mode", 01777);

		assertThat(SharingCheck.problems(layout)).noneMatch((problem) -> problem.contains(this.root.toString()));
	}

	private WorkspaceLayout layout(String rootMode) throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		Files.createDirectories(this.root.resolve("agents"));
		Files.createDirectories(this.root.resolve(".spool"));
		Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString(rootMode));
		return layout;
	}

}
