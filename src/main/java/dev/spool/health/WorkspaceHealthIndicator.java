package dev.spool.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.spool.workspace.SharingCheck;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.unit.DataSize;

/**
 * Down when a workspace folder is missing or cannot be written, or the file system is nearly full: Spool could then
 * claim work it cannot finish.
 */
final class WorkspaceHealthIndicator extends AbstractHealthIndicator {

	private final WorkspaceLayout layout;

	private final DataSize minFreeSpace;

	WorkspaceHealthIndicator(WorkspaceLayout layout, DataSize minFreeSpace) {
		super("The workspace check failed");
		this.layout = layout;
		this.minFreeSpace = minFreeSpace;
	}

	@Override
	protected void doHealthCheck(Health.Builder health) throws IOException {
		List<String> problems = new ArrayList<>();
		for (Path folder : List.of(this.layout.tasks(), this.layout.outputs(), this.layout.agents(),
				this.layout.attempts())) {
			String name = this.layout.root().relativize(folder).toString();
			if (!Files.isDirectory(folder)) {
				problems.add(name + "/ is missing");
			}
			else if (!Files.isWritable(folder)) {
				problems.add(name + "/ cannot be written");
			}
		}
		long free = Files.getFileStore(this.layout.root()).getUsableSpace();
		if (free < this.minFreeSpace.toBytes()) {
			problems.add("only " + DataSize.ofBytes(free).toMegabytes() + " MB free, below spool.health.min-free-space ("
					+ this.minFreeSpace.toMegabytes() + " MB)");
		}
		health.status(problems.isEmpty() ? "UP" : "DOWN")
			.withDetail("freeBytes", free)
			.withDetail("minFreeBytes", this.minFreeSpace.toBytes());
		if (!problems.isEmpty()) {
			health.withDetail("problems", problems);
		}
		List<String> sharing = SharingCheck.problems(this.layout);
		if (!sharing.isEmpty()) {
			// Spool works all the same; what another user could do with it is said, not judged.
			health.withDetail("sharing", sharing);
		}
	}

}
