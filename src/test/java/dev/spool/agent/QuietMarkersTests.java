package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.WorkspaceLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The quiet marker {@code agents/<name>.quiet} against real files, and the attacker's walk: a link, a named pipe or a
 * folder planted at the marker's name is neither followed, nor opened, nor replaced, and bad input writes nothing.
 */
class QuietMarkersTests {

	@TempDir
	Path root;

	private Path agents;

	private QuietMarkers markers;

	@BeforeEach
	void anAgentsFolder() throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		this.agents = Files.createDirectories(layout.agents());
		this.markers = new QuietMarkers(layout);
	}

	@Test
	void quietingWritesTheReasonInOneLineAndResumingRemovesTheMarker() throws IOException {
		assertThat(this.markers.isQuiet("agent_a")).isFalse();

		this.markers.quiet("agent_a", "  model endpoint\nunder maintenance  ");

		assertThat(Files.readString(this.agents.resolve("agent_a.quiet"))).isEqualTo("model endpoint under maintenance\n");
		assertThat(this.markers.isQuiet("agent_a")).isTrue();
		assertThat(this.markers.reason("agent_a")).contains("model endpoint under maintenance");
		this.markers.resume("agent_a");
		assertThat(this.agents.resolve("agent_a.quiet")).doesNotExist();
		assertThat(this.markers.reason("agent_a")).isEmpty();
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void aMarkerMadeWithTouchQuietsWithoutAReasonAndRmResumes() throws IOException {
		Files.createFile(this.agents.resolve("agent_b.quiet"));

		assertThat(this.markers.reason("agent_b")).contains("");
		Files.delete(this.agents.resolve("agent_b.quiet"));
		assertThat(this.markers.isQuiet("agent_b")).isFalse();
	}

	@Test
	void quietingTwiceKeepsOneMarkerWithTheLatestReasonAndResumingWhenNotQuietDoesNothing() throws IOException {
		this.markers.quiet("agent_a", "first");
		this.markers.quiet("agent_a", "second");
		this.markers.quiet("agent_a", null);
		this.markers.quiet("agent_a", null);

		assertThat(Files.size(this.agents.resolve("agent_a.quiet"))).isZero();
		this.markers.resume("agent_a");
		this.markers.resume("agent_a");
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void aLinkPlantedAtTheMarkerIsNotFollowedNorReplacedAndItsTargetIsUntouched() throws IOException {
		Path target = Files.writeString(this.root.resolve("precious.txt"), "keep me");
		Files.createSymbolicLink(this.agents.resolve("agent_a.quiet"), target);

		assertThatExceptionOfType(QuietMarkers.RefusedMarkerException.class)
			.isThrownBy(() -> this.markers.quiet("agent_a", "overwrite?"))
			.withMessageContaining("agents/agent_a.quiet is not a regular file (link)");
		assertThat(this.markers.isQuiet("agent_a")).as("a link quiets, as any file there does").isTrue();
		assertThat(this.markers.reason("agent_a")).as("whose target is never read").contains("");
		assertThat(Files.readString(target)).isEqualTo("keep me");
		assertThat(Files.isSymbolicLink(this.agents.resolve("agent_a.quiet"))).isTrue();
		this.markers.resume("agent_a");
		assertThat(Files.exists(this.agents.resolve("agent_a.quiet"), LinkOption.NOFOLLOW_LINKS)).isFalse();
		assertThat(target).hasContent("keep me");
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void aNamedPipePlantedAtTheMarkerIsNeitherOpenedNorReplaced() throws Exception {
		Path fifo = this.agents.resolve("agent_a.quiet");
		assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

		// Opening the pipe to read the reason would block for ever: the answer comes at once, without a reason.
		assertThat(this.markers.reason("agent_a")).contains("");
		assertThatExceptionOfType(QuietMarkers.RefusedMarkerException.class)
			.isThrownBy(() -> this.markers.quiet("agent_a", "why"))
			.withMessageContaining("(fifo)");
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void aFolderAtTheMarkerIsRefusedOnResume() throws IOException {
		Files.createDirectories(this.agents.resolve("agent_a.quiet").resolve("inside"));

		assertThatExceptionOfType(QuietMarkers.RefusedMarkerException.class)
			.isThrownBy(() -> this.markers.resume("agent_a"))
			.withMessageContaining("(directory)");
		assertThatExceptionOfType(QuietMarkers.RefusedMarkerException.class)
			.isThrownBy(() -> this.markers.quiet("agent_a", null));
	}

	@Test
	void badNamesAndAReasonTooLongAreRefusedWritingNothing() throws IOException {
		for (String name : List.of("..", "../agent_a", "a/b", "agent\0a", "agént", "x".repeat(64), "Agent_A", "")) {
			assertThatExceptionOfType(InvalidTaskException.class).as(name).isThrownBy(() -> this.markers.quiet(name, null));
			assertThatExceptionOfType(InvalidTaskException.class).as(name).isThrownBy(() -> this.markers.resume(name));
			assertThat(this.markers.isQuiet(name)).isFalse();
		}
		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.markers.quiet("agent_a", "y".repeat(QuietMarkers.MAX_REASON + 1)))
			.withMessageContaining("at most 500");
		try (Stream<Path> files = Files.list(this.agents)) {
			assertThat(files).isEmpty();
		}
		try (Stream<Path> files = Files.list(this.root)) {
			assertThat(files).containsExactly(this.agents);
		}
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.list(this.agents)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".tmp")).toList();
		}
	}

}
