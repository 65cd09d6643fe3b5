package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rescan lists the folders before it takes the index's lock; a task published in between must not be taken for
 * gone because the listing did not show it yet.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RescanRaceTests {

	@TempDir
	Path root;

	private Workspace workspace;

	@BeforeEach
	void open() throws IOException {
		this.workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3, 100), Clock.systemUTC(),
				(change) -> {
				});
	}

	@AfterEach
	void close() {
		this.workspace.close();
	}

	@Test
	void aTaskCreatedWhileARescanListsTheFolderNeverLeavesTheIndex() throws InterruptedException {
		TaskIndex index = this.workspace.index();
		AtomicBoolean stop = new AtomicBoolean();
		Thread rescans = new Thread(() -> {
			while (!stop.get()) {
				index.rescan();
			}
		}, "rescans");
		rescans.start();
		List<TaskId> created = new ArrayList<>();
		List<String> lost = new ArrayList<>();
		try {
			for (int i = 0; i < 400; i++) {
				created.add(this.workspace.store().create(NewTask.of("task number " + i)).id());
				for (TaskId id : created) {
					if (index.find(id).isEmpty()) {
						lost.add(id + " after " + created.size() + " were created");
					}
				}
			}
		}
		finally {
			stop.set(true);
			rescans.join();
		}
		assertThat(lost).isEmpty();
	}

}
