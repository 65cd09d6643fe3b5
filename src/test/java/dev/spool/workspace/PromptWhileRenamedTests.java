package dev.spool.workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's prompt is read whole while its file is renamed under the reader (claims, hand-backs by other processes):
 * a page showing a goal at the moment it is claimed must not show it empty.
 */
class PromptWhileRenamedTests {

	@TempDir
	Path root;

	@Test
	void aPromptReadWhileItsFileMovesIsNeverEmpty() throws Exception {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024 * 1024, 3),
				MutableClock.frozenAt(Instant.now()), (change) -> {
				});
		String prompt = "Count the owls, " + UUID.randomUUID();
		TaskId id = workspace.store().create(NewTask.of(prompt)).id();
		Path pending = this.root.resolve("tasks/" + id + "_pending.md");
		Path claimed = this.root.resolve("tasks/" + id + "_inprogress_other.md");
		AtomicBoolean stop = new AtomicBoolean();
		Thread otherProcess = new Thread(() -> {
			try {
				while (!stop.get()) {
					Files.move(pending, claimed, StandardCopyOption.ATOMIC_MOVE);
					Thread.sleep(1);
					Files.move(claimed, pending, StandardCopyOption.ATOMIC_MOVE);
					Thread.sleep(1);
				}
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		otherProcess.start();
		List<String> read = new ArrayList<>();
		try {
			for (int i = 0; i < 500; i++) {
				read.add(workspace.store().readPrompt(id));
			}
		}
		finally {
			stop.set(true);
			otherProcess.join();
			workspace.close();
		}
		assertThat(read).as("prompts read while the file moved").allSatisfy((text) -> assertThat(text).isEqualTo(prompt));
	}

}
