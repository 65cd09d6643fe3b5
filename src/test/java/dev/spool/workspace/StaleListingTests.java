package dev.spool.workspace;

import java.io.IOException;
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
 * On NFS a directory listing can be stale for as long as the attribute cache holds it: it may still show a name
 * another host has renamed away, and not yet show one it has just made. Here the index is the stale listing: it is
 * told of no change, as a host that sees no events from other hosts is not, while another "host" renames the files
 * under it. Acting on a stale name loses a race and changes nothing; a name not listed yet is found by the next rescan.
 */
class StaleListingTests {

	@TempDir
	Path root;

	private WorkspaceLayout layout;

	private TaskIndex index;

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		this.layout = new WorkspaceLayout(this.root);
		this.layout.createFolders();
		AtomicFiles files = new AtomicFiles(false);
		AttemptLog log = new AttemptLog(this.layout, files);
		this.index = new TaskIndex(this.layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		this.store = new TaskStore(this.layout, files, log, this.index, Clock.systemUTC(), 1 << 20, 3);
	}

	@Test
	void aClaimOfATaskAnotherHostAlreadyTookLosesTheRaceAndChangesNothing() throws IOException {
		Task task = this.store.create(NewTask.of("prompt " + UUID.randomUUID()));
		// Another host claims it; this host's listing still says pending.
		Path theirs = this.layout.tasks().resolve(task.id() + "_inprogress_other_host.md");
		Files.move(this.layout.task(task.file()), theirs);
		assertThat(this.index.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.PENDING);

		assertThat(this.store.claim(task, "agent_a")).as("the stale name is not there to rename").isEmpty();

		assertThat(theirs).as("the other host's claim is untouched").exists();
		try (var names = Files.list(this.layout.tasks())) {
			assertThat(names).containsExactly(theirs);
		}
		this.index.rescan();
		assertThat(this.index.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.IN_PROGRESS);
	}

	@Test
	void aCancelOfATaskAnotherHostFinishedMeanwhileChangesNothing() throws IOException {
		Task task = this.store.create(NewTask.of("prompt " + UUID.randomUUID()));
		Path done = this.layout.tasks().resolve(task.id() + "_done.md");
		Files.move(this.layout.task(task.file()), done);

		assertThatExceptionOfType(TransitionNotAllowedException.class).as("refused: done by the files")
			.isThrownBy(() -> this.store.cancel(task.id()))
			.withMessageContaining("is done");

		assertThat(done).as("a finished task is never cancelled").exists();
		try (var names = Files.list(this.layout.tasks())) {
			assertThat(names).containsExactly(done);
		}
	}

	@Test
	void aTaskAnotherHostWroteThatTheListingDoesNotShowYetIsFoundByTheNextRescan() throws IOException {
		Path written = this.layout.tasks().resolve("task_042_pending.md");
		Files.writeString(written, "---\ntitle: From another host\n---\nprompt " + UUID.randomUUID() + "\n");
		assertThat(this.index.find(TaskId.parse("task_042").orElseThrow())).isEmpty();

		this.index.rescan();

		assertThat(this.index.find(TaskId.parse("task_042").orElseThrow())).hasValueSatisfying(
				(task) -> assertThat(task.document().title()).isEqualTo("From another host"));
	}

}
