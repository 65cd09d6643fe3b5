package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * On NFS a RENAME whose reply was lost is sent again, and the server, having made the first, answers the second with
 * an error: the rename reports failure although it happened. Made here through the {@link Disk} seam: a rename that
 * happens and then throws. A claim, a release and a commit so reported go on as the files say; a rename that really
 * failed still fails and changes nothing.
 */
class RetransmittedRenameTests {

	@TempDir
	Path root;

	private WorkspaceLayout layout;

	private TaskStore store;

	/** What the next rename does: nothing special, or happen and then report failure, or only report failure. */
	private volatile String mode = "ok";

	@BeforeEach
	void open() throws IOException {
		this.layout = new WorkspaceLayout(this.root);
		this.layout.createFolders();
		Disk disk = new Disk() {
			@Override
			public boolean renameWithoutReplacing(Path source, Path target) throws IOException {
				String now = RetransmittedRenameTests.this.mode;
				RetransmittedRenameTests.this.mode = "ok";
				if (now.equals("fails")) {
					throw new IOException("Input/output error");
				}
				boolean renamed = Disk.super.renameWithoutReplacing(source, target);
				if (now.equals("happens-but-fails")) {
					throw new IOException("Stale file handle (the retransmitted RENAME)");
				}
				return renamed;
			}
		};
		AtomicFiles files = new AtomicFiles(false, disk);
		AttemptLog log = new AttemptLog(this.layout, files);
		TaskIndex index = new TaskIndex(this.layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		this.store = new TaskStore(this.layout, files, log, index, Clock.systemUTC(), 1 << 20, 3);
	}

	@Test
	void aClaimWhoseRenameReportedFailureButHappenedIsHeldAndCompleted() {
		Task task = this.store.create(NewTask.of("prompt " + UUID.randomUUID()));

		this.mode = "happens-but-fails";
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();

		assertThat(this.store.heartbeat(claim)).as("the claim is held").isTrue();
		String answer = "answer " + UUID.randomUUID();
		this.mode = "happens-but-fails";
		assertThat(this.store.complete(claim, new Answer(answer, null, false, null))).isTrue();
		assertThat(this.store.readOutput(task.id())).as("published at once, not a minute later").hasValue(answer);
		assertThat(names(task.id())).containsExactly(task.id() + "_done.md");
	}

	@Test
	void aReleaseWhoseRenameReportedFailureButHappenedLeavesTheTaskPending() {
		Task task = this.store.create(NewTask.of("prompt " + UUID.randomUUID()));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();

		this.mode = "happens-but-fails";
		assertThat(this.store.release(claim)).isTrue();

		assertThat(names(task.id())).containsExactly(task.id() + "_pending.md");
	}

	@Test
	void aRenameThatReallyFailedStillFailsAndChangesNothing() {
		Task task = this.store.create(NewTask.of("prompt " + UUID.randomUUID()));

		this.mode = "fails";
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.store.claim(task, "agent_a"))
			.withMessageContaining("Input/output error");

		assertThat(names(task.id())).containsExactly(task.id() + "_pending.md");
	}

	private java.util.List<String> names(TaskId id) {
		try (var files = Files.list(this.layout.tasks())) {
			return files.map((path) -> path.getFileName().toString())
				.filter((name) -> name.startsWith(id.text() + "_"))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
