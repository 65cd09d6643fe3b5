package dev.spool.manifest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.AtomicFiles;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.WorkspaceJson;
import dev.spool.workspace.WorkspaceLayout;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * Writes the manifest, the index of every task, derived from the files: a snapshot ({@code manifest.json}, replaced
 * atomically) and a journal of changes since ({@code manifest.journal}, appended to), read together by
 * {@link ManifestReader}. Changes are appended in batches once a burst settles, not flushed; the snapshot is written
 * again, with a new generation and an empty journal, once the journal outgrows it, so the bytes written grow with
 * the number of changes, not their square. Every Spool process on a workspace writes what its own index says, so
 * they agree once their indexes do; a journal another process replaced or left behind is caught by comparing
 * generations before each append and by reading the files again every rescan interval. Once the workspace has been
 * quiet for {@value #QUIET_MILLIS} ms, a writer whose last snapshot was at most {@code cheapSnapshotBytes} writes a
 * new one, so that {@code manifest.json} alone says what the files say; on a large workspace the journal stays.
 */
public final class ManifestWriter {

	private static final Log logger = LogFactory.getLog(ManifestWriter.class);

	private static final long SETTLE_MILLIS = 50;

	/** How long no change may arrive before a journal with entries is folded into a new snapshot. */
	static final long QUIET_MILLIS = 500;

	/**
	 * A snapshot larger than this is not written again merely because the workspace is quiet: about 10,000 tasks,
	 * which take about 50 ms to write on two cores. A size, not a measured time, so that a busy machine does not
	 * leave a small workspace's snapshot behind.
	 */
	public static final long CHEAP_SNAPSHOT_BYTES = 4L << 20;

	/** Up to how many tasks the first snapshot is written before Spool serves: about a cheap snapshot's worth. */
	static final int FIRST_SNAPSHOT_AT_ONCE = 10_000;

	/** How long a writer goes at most without comparing every entry when the files are as it left them. */
	static final Duration WHOLE_COMPARISON_INTERVAL = Duration.ofMinutes(1);

	private static final ObjectWriter LINE = WorkspaceJson.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final TaskIndex index;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Set<TaskId> changed = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean everything = new AtomicBoolean();

	/** Counts the changes noted, so that a quiet spell is one in which it did not move. */
	private final AtomicLong changes = new AtomicLong();

	private final long cheapSnapshotBytes;

	private final int firstSnapshotAtOnce;

	/** The size of the last snapshot this process wrote. */
	private volatile long snapshotBytes = Long.MAX_VALUE;

	/** The fold into a snapshot waiting for the workspace to stay quiet; replaced by each settled write. */
	private ScheduledFuture<?> fold;

	private boolean closed;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "spool-manifest");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * What this process last wrote for each task, as it believes the merged manifest says: the index's task the
	 * entry was made from (its entry is made again to compare, which spares a second copy of every entry, 150 bytes a
	 * task), or the entry read back from the manifest after another process wrote it, which takes precedence.
	 */
	private Map<TaskId, Task> recorded = new HashMap<>();

	/** Entries read back from the merged manifest since this process last wrote a snapshot; see {@link #recorded}. */
	private Map<TaskId, ManifestEntry> readBack = Map.of();

	/** The files as this process last left them; different means another process wrote. */
	private ManifestState left;

	/** When every entry was last compared with the index, by {@link System#nanoTime()}; long enough ago at first. */
	private long comparedAt = System.nanoTime() - WHOLE_COMPARISON_INTERVAL.toNanos();

	public ManifestWriter(WorkspaceLayout layout, AtomicFiles files, TaskIndex index) {
		this(layout, files, index, CHEAP_SNAPSHOT_BYTES);
	}

	public ManifestWriter(WorkspaceLayout layout, AtomicFiles files, TaskIndex index, long cheapSnapshotBytes) {
		this(layout, files, index, cheapSnapshotBytes, FIRST_SNAPSHOT_AT_ONCE);
	}

	ManifestWriter(WorkspaceLayout layout, AtomicFiles files, TaskIndex index, long cheapSnapshotBytes,
			int firstSnapshotAtOnce) {
		this.layout = layout;
		this.files = files;
		this.index = index;
		this.cheapSnapshotBytes = cheapSnapshotBytes;
		this.firstSnapshotAtOnce = firstSnapshotAtOnce;
	}

	/**
	 * Writes the snapshot a start begins with, which absorbs any journal: at once for a workspace of up to
	 * {@link #FIRST_SNAPSHOT_AT_ONCE} tasks, else first thing on this writer's thread, so that the start of a large
	 * workspace does not wait for it (26 MB at 100,000 tasks); the previous manifest, whole, stays until it is replaced.
	 * @throws IOException if a snapshot written at once could not be
	 */
	public void writeFirst() throws IOException {
		if (this.index.size() <= this.firstSnapshotAtOnce) {
			write();
			return;
		}
		this.executor.execute(() -> {
			try {
				write();
			}
			catch (IOException | RuntimeException ex) {
				failed(ex);
			}
		});
	}

	/** Asks for a task's entry to be written once the current burst of changes has settled. */
	public void requestWrite(TaskId id) {
		noteChange(id);
		schedule();
	}

	/** Notes that a task's entry changed, for the next {@link #writeChanges()}, without scheduling one. */
	public void noteChange(TaskId id) {
		this.changed.add(id);
		this.changes.incrementAndGet();
	}

	/** Asks for every entry to be compared with the files and brought up to date once changes have settled. */
	public void requestWrite() {
		noteEverything();
		schedule();
	}

	/** Notes that every entry is to be compared with the files at the next {@link #writeChanges()}, unscheduled. */
	public void noteEverything() {
		this.everything.set(true);
		this.changes.incrementAndGet();
	}

	/** Whether the last scheduled write failed, so that a failure that lasts is logged once. */
	private volatile boolean failing;

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.executor.schedule(this::writeScheduled, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	private void writeScheduled() {
		this.scheduled.set(false);
		try {
			writeChanges();
			foldWhenQuiet();
			if (this.failing) {
				this.failing = false;
				logger.info("Wrote " + this.layout.manifest() + " again");
			}
		}
		catch (IOException | RuntimeException ex) {
			failed(ex);
		}
	}

	/** The watcher's rescan asks again every interval: a failure is said once, not every time, until a write works. */
	private void failed(Exception ex) {
		if (!this.failing) {
			this.failing = true;
			logger.error("Could not write " + this.layout.manifest() + "; the previous one stays until a write "
					+ "succeeds (tried again every rescan interval): " + ex.getMessage());
		}
	}

	/** Folds the journal into a snapshot once no change has arrived for {@link #QUIET_MILLIS}. */
	private synchronized void foldWhenQuiet() {
		if (this.executor.isShutdown()) {
			return;
		}
		if (this.fold != null) {
			this.fold.cancel(false);
		}
		long now = this.changes.get();
		this.fold = this.executor.schedule(() -> {
			if (this.changes.get() != now) {
				return;
			}
			try {
				foldIfCheap();
			}
			catch (IOException | RuntimeException ex) {
				// The journal stays, which readers apply: only the snapshot alone is behind.
				logger.debug("Could not fold " + this.layout.manifestJournal() + " into a snapshot", ex);
			}
		}, QUIET_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * Writes a new snapshot when the journal holds any entry and the last snapshot was small enough, so that
	 * {@code manifest.json} alone is current; leaves a large workspace's journal as it is.
	 */
	public synchronized void foldIfCheap() throws IOException {
		if (this.snapshotBytes > this.cheapSnapshotBytes) {
			return;
		}
		ManifestState seen = ManifestState.of(this.layout);
		if (!seen.whole() || seen.journalSize() > headerLine(seen.journalGeneration()).length) {
			write();
		}
	}

	/**
	 * Appends the entries that changed since the last write, or writes a new snapshot when the journal outgrew the
	 * snapshot or does not belong to it.
	 */
	public synchronized void writeChanges() throws IOException {
		boolean all = this.everything.getAndSet(false);
		Set<TaskId> ids = new LinkedHashSet<>();
		for (TaskId id : List.copyOf(this.changed)) {
			this.changed.remove(id);
			ids.add(id);
		}
		ManifestState seen = ManifestState.of(this.layout);
		if (!seen.whole() || seen.journalSize() > seen.snapshotSize()) {
			write();
			return;
		}
		if (all && wholeComparisonDue(seen)) {
			if (!seen.equals(this.left)) {
				this.readBack = readRecorded();
				this.recorded = new HashMap<>();
			}
			ids.addAll(this.recorded.keySet());
			ids.addAll(this.readBack.keySet());
			this.index.unordered().forEach((task) -> ids.add(task.id()));
			this.comparedAt = System.nanoTime();
		}
		ByteArrayOutputStream lines = new ByteArrayOutputStream();
		if (!seen.endsWithNewline()) {
			// A crash cut the last append short: start on a line of our own.
			lines.write('\n');
		}
		int count = 0;
		for (TaskId id : ids) {
			Task task = this.index.find(id).orElse(null);
			ManifestEntry now = (task != null) ? ManifestEntry.of(task) : null;
			if (Objects.equals(now, recordedEntry(id))) {
				continue;
			}
			lines.write((now != null) ? LINE.writeValueAsBytes(now) : LINE.writeValueAsBytes(new Removed(id.text(), true)));
			lines.write('\n');
			count++;
			if (task != null) {
				this.recorded.put(id, task);
			}
			else {
				this.recorded.remove(id);
			}
			if (!this.readBack.isEmpty()) {
				this.readBack.remove(id);
			}
		}
		if (count == 0) {
			this.left = seen;
			return;
		}
		byte[] bytes = lines.toByteArray();
		try {
			this.files.appendUnflushed(this.layout.manifestJournal(), bytes);
		}
		catch (NoSuchFileException ex) {
			write();
			return;
		}
		this.left = seen.appended(bytes.length);
	}

	/** The entry this process believes the merged manifest holds for a task, or null for none. */
	private ManifestEntry recordedEntry(TaskId id) {
		ManifestEntry read = this.readBack.get(id);
		if (read != null) {
			return read;
		}
		Task task = this.recorded.get(id);
		return (task != null) ? ManifestEntry.of(task) : null;
	}

	/**
	 * Whether asking for every entry to be compared must compare them now. Every change the index knows of reaches
	 * this writer as it happens ({@link #noteChange}), so when the files are exactly as this process left them, a
	 * comparison finds nothing: on a quiet workspace of 100,000 tasks it built and compared 100,000 entries every rescan
	 * interval (with the listing for half-done moves, a steady fifth of a core). It runs when another process (or a
	 * person) changed the files, and at least every {@link #WHOLE_COMPARISON_INTERVAL} all the same, which mends a
	 * journal rewritten to the same size.
	 */
	private boolean wholeComparisonDue(ManifestState seen) {
		return !seen.equals(this.left) || System.nanoTime() - this.comparedAt >= WHOLE_COMPARISON_INTERVAL.toNanos();
	}

	/** Writes a whole snapshot now, under a new generation, and starts its journal empty. */
	public synchronized void write() throws IOException {
		String generation = UUID.randomUUID().toString();
		List<Task> tasks = this.index.all();
		// Each entry made as it is written, and the snapshot streamed to its file: neither is ever whole in memory.
		List<ManifestEntry> entries = new AbstractList<>() {

			@Override
			public ManifestEntry get(int index) {
				return ManifestEntry.of(tasks.get(index));
			}

			@Override
			public int size() {
				return tasks.size();
			}

		};
		byte[] header = headerLine(generation);
		long written = this.files.replace(this.layout.manifest(), (out) -> {
			try {
				WorkspaceJson.MAPPER.writeValue(out, new Manifest(generation, entries));
			}
			catch (JacksonIOException ex) {
				// Jackson wraps the disk's failure: the caller is told of it as any other.
				throw (ex.getCause() != null) ? ex.getCause() : new IOException(ex.getMessage(), ex);
			}
		});
		// A crash here leaves the old journal, whose generation no longer matches: readers ignore it, and the next
		// writer, seeing the mismatch, writes a snapshot again.
		this.files.replace(this.layout.manifestJournal(), header);
		Map<TaskId, Task> recorded = new HashMap<>();
		for (Task task : tasks) {
			// Keyed by the index's own ids: one copy of each a task, not one more.
			recorded.put(task.id(), task);
		}
		this.recorded = recorded;
		this.readBack = Map.of();
		this.left = new ManifestState(generation, written, generation, header.length, true);
		this.snapshotBytes = written;
	}

	private static byte[] headerLine(String generation) {
		byte[] header = LINE.writeValueAsBytes(new Header(generation));
		return (new String(header, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
	}

	/** The merged manifest as entries, for when another process wrote since this one did. */
	private Map<TaskId, ManifestEntry> readRecorded() {
		Map<TaskId, ManifestEntry> entries = new HashMap<>();
		try {
			for (JsonNode node : ManifestReader.read(this.layout).path("tasks")) {
				try {
					ManifestEntry entry = WorkspaceJson.MAPPER.treeToValue(node, ManifestEntry.class);
					TaskId.parse(entry.id()).ifPresent((id) -> entries.put(id, entry));
				}
				catch (JacksonException | IllegalArgumentException ex) {
					// Written again from the index.
				}
			}
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Could not read " + this.layout.manifest() + " back; rewriting its entries: " + ex.getMessage());
		}
		return entries;
	}

	/**
	 * Writes what is still waiting to be written, then a whole snapshot with an empty journal, and stops: nothing is
	 * written after this returns.
	 */
	public void close() {
		synchronized (this) {
			if (this.closed) {
				// Closed by the workspace and again as a bean: one last snapshot is enough (26 MB at 100,000 tasks).
				return;
			}
			this.closed = true;
			if (this.fold != null) {
				this.fold.cancel(false);
			}
			// Delayed writes still run after shutdown(); periodic checks do not, and no fold is scheduled after it.
			this.executor.shutdown();
		}
		try {
			if (!this.executor.awaitTermination(10, TimeUnit.SECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		try {
			write();
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not write " + this.layout.manifest() + " on stopping: " + ex.getMessage());
		}
	}

	/** The snapshot's shape: {@code {"generation": "...", "tasks": [...]}}. */
	record Manifest(String generation, List<ManifestEntry> tasks) {
	}

	/** The journal's first line. */
	record Header(String generation) {
	}

	/** A journal line for a task whose file is gone: {@code {"id": "...", "removed": true}}. */
	record Removed(String id, boolean removed) {
	}

}
