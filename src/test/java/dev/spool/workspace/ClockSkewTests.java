package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a network filesystem the server stamps the files, and its clock may be minutes from this host's. Clean-up that
 * judges a file's age must use the clock that stamped it: a server ten minutes behind makes every file another host
 * has just written look ten minutes old to this host's clock, and a clean-up by that clock deletes files in flight.
 * The skew is made here through the {@link Disk} seam: every file it creates is stamped with the "server's" time.
 */
class ClockSkewTests {

	@TempDir
	Path root;

	@ParameterizedTest
	@ValueSource(ints = { -10, 10 })
	void aTemporaryFileAnotherHostIsWritingIsKeptAndAnOldOneRemoved(int skewMinutes) throws IOException {
		Duration skew = Duration.ofMinutes(skewMinutes);
		Path folder = Files.createDirectories(this.root.resolve("tasks"));
		Path writing = stampedByServer(folder.resolve(".task_001_pending.md.1.tmp"), skew, Duration.ZERO);
		Path leftover = stampedByServer(folder.resolve(".task_002_pending.md.2.tmp"), skew, Duration.ofMinutes(2));

		new AtomicFiles(false, serverStamped(skew)).removeLeftovers(List.of(folder), Duration.ofMinutes(1));

		assertThat(writing).as("written a moment ago by the server's clock").exists();
		assertThat(leftover).as("left two minutes ago by the server's clock").doesNotExist();
		try (var names = Files.list(folder)) {
			assertThat(names).as("the probe that read the server's clock is gone").containsExactly(writing);
		}
	}

	@Test
	void aStagedAnswerOfALostClaimIsKeptForItsGraceByTheServersClock() throws IOException {
		Duration skew = Duration.ofMinutes(-10);
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		Path young = stampedByServer(layout.staging().resolve("task_001.agent_a.1.md"), skew,
				StagedAnswers.GRACE.minusMinutes(5));
		Path expired = stampedByServer(layout.staging().resolve("task_002.agent_a.2.md"), skew,
				StagedAnswers.GRACE.plusMinutes(5));

		new StagedAnswers(layout, new AtomicFiles(false, serverStamped(skew)), java.time.Clock.systemUTC(), null)
			.recover();

		assertThat(young).as("55 minutes old by the server's clock, 65 by this host's").exists();
		assertThat(expired).as("65 minutes old by the server's clock").doesNotExist();
	}

	@Test
	void theSkewIsReadFromAFileTheFolderStamps() throws IOException {
		Duration skew = Duration.ofMinutes(-7);

		Duration measured = new AtomicFiles(false, serverStamped(skew)).folderSkew(this.root);

		assertThat(measured.minus(skew).abs()).isLessThan(Duration.ofSeconds(30));
		try (var names = Files.list(this.root)) {
			assertThat(names).isEmpty();
		}
	}

	/** A file written {@code age} ago by a server whose clock is {@code skew} from this host's. */
	private static Path stampedByServer(Path file, Duration skew, Duration age) throws IOException {
		Files.writeString(file, "in flight");
		Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(skew).minus(age)));
		return file;
	}

	/** A disk whose server stamps new files by its own clock, {@code skew} from this host's. */
	private static Disk serverStamped(Duration skew) {
		return new Disk() {
			@Override
			public void createNew(Path file) throws IOException {
				Disk.super.createNew(file);
				Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(skew)));
			}
		};
	}

}
