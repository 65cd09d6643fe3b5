package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** A heartbeat shows a claim is alive to the sweeper, and to nobody else: nothing is rewritten or sent for it. */
class HeartbeatQuietTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private final List<TaskChanged> changes = new CopyOnWriteArrayList<>();

	@Test
	void heartbeatsChangeNothingAnyoneReads() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				this.changes::add);
		Task task = workspace.store().create(NewTask.of("keep me busy"));
		Claim claim = workspace.store().claim(task, "agent_a").orElseThrow();
		this.changes.clear();

		for (int beat = 0; beat < 5; beat++) {
			this.clock.advance(Duration.ofSeconds(5));
			assertThat(workspace.store().heartbeat(claim)).isTrue();
			// What the watcher reports for a touch: the file changed.
			workspace.index().taskFileChanged(claim.file().fileName(), true);
			workspace.index().rescan();
		}

		assertThat(this.changes).as("changes reported for heartbeats").isEmpty();
		assertThat(workspace.store().lastTouched(claim.file())).isPresent();
		assertThat(workspace.store().complete(claim, new Answer("done", "m", false, null))).isTrue();
		assertThat(this.changes).as("the completion is reported").isNotEmpty();
	}

}
