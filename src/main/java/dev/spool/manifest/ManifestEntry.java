package dev.spool.manifest;

import java.time.Instant;
import java.util.List;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;
import dev.spool.workspace.WorkspaceLayout;

/** One task in the manifest, as a line of its journal or an element of its snapshot's {@code tasks}. */
record ManifestEntry(String id, String status, String owner, Instant createdAt, Instant completedAt, String output,
		String title, int attempts, String error, String agent, Integer priority, List<String> dependsOn,
		TokenUsage tokens, String model, Boolean offline) {

	static ManifestEntry of(Task task) {
		Attempt done = task.lastDone();
		return new ManifestEntry(task.id().text(), task.state().word(), task.owner(), task.createdAt(),
				task.completedAt(), task.hasOutput() ? "outputs/" + WorkspaceLayout.outputName(task.id()) : null,
				task.title(), task.attempts(), task.error(), task.document().agent(),
				(task.document().priority() != 0) ? task.document().priority() : null,
				task.dependsOn().isEmpty() ? null : task.dependsOn().stream().map(TaskId::text).toList(),
				(done != null) ? done.tokens() : null, (done != null) ? done.model() : null,
				(done != null) ? done.offline() : null);
	}

}
