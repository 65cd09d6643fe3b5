package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Writes {@code manifest.json}, the index of every task, derived from the files. Every Spool process on a workspace
 * writes it after changes settle; each writes what the files say, so they agree, and each write replaces the file
 * atomically, so a reader always finds a whole manifest.
 */
public final class ManifestWriter {

	private static final Log logger = LogFactory.getLog(ManifestWriter.class);

	private static final long SETTLE_MILLIS = 50;

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final TaskIndex index;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "spool-manifest");
		thread.setDaemon(true);
		return thread;
	});

	ManifestWriter(WorkspaceLayout layout, AtomicFiles files, TaskIndex index) {
		this.layout = layout;
		this.files = files;
		this.index = index;
	}

	/** Asks for a write once the current burst of changes has settled. */
	public void requestWrite() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.executor.schedule(this::writeScheduled, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private void writeScheduled() {
		this.scheduled.set(false);
		try {
			write();
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not write " + this.layout.manifest() + "; the previous one stays: " + ex.getMessage());
		}
	}

	/** Writes the manifest now. */
	public synchronized void write() throws IOException {
		List<ManifestEntry> entries = this.index.all().stream().map(ManifestEntry::of).toList();
		this.files.replace(this.layout.manifest(), WorkspaceJson.MAPPER.writeValueAsBytes(new Manifest(entries)));
	}

	/** Owners recorded by an earlier manifest, which the files alone cannot tell for a shell agent's finished task. */
	Map<TaskId, String> readOwners() {
		Map<TaskId, String> owners = new HashMap<>();
		try {
			JsonNode root = WorkspaceJson.MAPPER.readTree(Files.readAllBytes(this.layout.manifest()));
			for (JsonNode entry : root.path("tasks")) {
				String owner = entry.path("owner").asString(null);
				TaskId.parse(entry.path("id").asString(null)).ifPresent((id) -> {
					if (owner != null) {
						owners.put(id, owner);
					}
				});
			}
		}
		catch (NoSuchFileException ex) {
			// A new workspace.
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Could not read the previous " + this.layout.manifest() + ", rebuilding it: " + ex.getMessage());
		}
		return owners;
	}

	/** Writes what is still waiting to be written, then stops: nothing is written after this returns. */
	void close() {
		// Delayed writes still run after shutdown(), so waiting for the executor flushes the last change.
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(10, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	/** The manifest's shape: {@code {"tasks": [...]}}. */
	record Manifest(List<ManifestEntry> tasks) {
	}

	/** One task in the manifest. */
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

}
