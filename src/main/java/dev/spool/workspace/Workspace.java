package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * An opened workspace: its folders exist, task files that a stopped move left with two names have one, its index has
 * been rebuilt from the files, answers that a stopped process had committed are published, outside agents' notes of
 * failed attempts are counted, and the manifest is written. The one way to get a {@link TaskStore}.
 */
public final class Workspace {

	/** Temporary files older than this were left by a process that died while writing; newer ones may be in use. */
	private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);

	/** Files larger than the prompt limit by more than this are flagged instead of read. */
	static final long TASK_FILE_HEADROOM = 64 * 1024;

	private final WorkspaceLayout layout;

	private final TaskIndex index;

	private final TaskStore store;

	private final ManifestWriter manifest;

	private final FailureNotes failureNotes;

	private final Archive archive;

	private Workspace(WorkspaceLayout layout, TaskIndex index, TaskStore store, ManifestWriter manifest,
			FailureNotes failureNotes, Archive archive) {
		this.archive = archive;
		this.layout = layout;
		this.index = index;
		this.store = store;
		this.manifest = manifest;
		this.failureNotes = failureNotes;
	}

	/**
	 * Opens the workspace at a folder, creating whatever is missing.
	 * @param settings how to write and what to accept
	 * @param listener told of every change to what is known of a task, on the thread that noticed it
	 */
	public static Workspace open(Path root, Settings settings, Clock clock, Consumer<TaskChanged> listener)
			throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(root);
		layout.createFolders();
		AtomicFiles files = new AtomicFiles(settings.fsync());
		AttemptLog log = new AttemptLog(layout, files);
		TaskIndex index = new TaskIndex(layout, log, clock, settings.maxPromptBytes() + TASK_FILE_HEADROOM,
				settings.maxDependencyDepth(), listener);
		ManifestWriter manifest = new ManifestWriter(layout, files, index);
		TaskStore store = new TaskStore(layout, files, log, index, clock, settings.maxPromptBytes(),
				settings.maxAttempts());
		files.removeLeftovers(layout.foldersWithTemporaryFiles(), LEFTOVER_AGE);
		new InterruptedMoves(layout).repair(() -> clock.instant().plus(files.folderSkew(layout.tasks())), LEFTOVER_AGE);
		store.loadReservations();
		index.rememberOwners(manifest.readOwners());
		index.rescan();
		store.recoverStagedAnswers();
		Archive archive = new Archive(layout, files, index);
		archive.finishInterrupted();
		FailureNotes failureNotes = new FailureNotes(layout, store, clock);
		failureNotes.takeAll();
		manifest.write();
		return new Workspace(layout, index, store, manifest, failureNotes, archive);
	}

	/**
	 * Writes the manifest's last change, leaving a whole {@code manifest.json} and an empty journal, and stops writing
	 * it; Spring calls this when Spool stops.
	 */
	public void close() {
		this.manifest.close();
	}

	public WorkspaceLayout layout() {
		return this.layout;
	}

	public TaskIndex index() {
		return this.index;
	}

	public TaskStore store() {
		return this.store;
	}

	public Archive archive() {
		return this.archive;
	}

	public ManifestWriter manifest() {
		return this.manifest;
	}

	/** Counts the notes of failed attempts that outside agents left in {@code failures/}. */
	public void takeFailureNotes() {
		this.failureNotes.takeAll();
	}

	/**
	 * A watcher that keeps the index converged with changes made by anyone. When it starts it reads the whole
	 * workspace again and rewrites the manifest, since others may have changed it while this process started.
	 * @param watchEvents whether to listen for the filesystem's change events as well as rescanning
	 */
	public WorkspaceWatcher watcher(Duration rescanInterval, boolean watchEvents, Consumer<Object> events) {
		return watcher(rescanInterval, watchEvents, true, events);
	}

	/** @param inotify whether to use Linux's inotify where there is one, rather than Java's WatchService */
	WorkspaceWatcher watcher(Duration rescanInterval, boolean watchEvents, boolean inotify, Consumer<Object> events) {
		return new WorkspaceWatcher(this.layout, this.index, events, rescanInterval, watchEvents, inotify,
				this.manifest::requestWrite, this.failureNotes::takeAll);
	}

	/**
	 * How a workspace writes and what it accepts.
	 *
	 * @param fsync whether to flush files and folders before and after publishing renames
	 * @param maxPromptBytes the largest prompt accepted
	 * @param maxAttempts attempts before a task fails, unless its front matter says otherwise
	 * @param maxDependencyDepth the longest chain of unfinished tasks a new task may depend on; longer ones written
	 * by hand are flagged
	 */
	public record Settings(boolean fsync, long maxPromptBytes, int maxAttempts, int maxDependencyDepth) {

		public Settings(boolean fsync, long maxPromptBytes, int maxAttempts) {
			this(fsync, maxPromptBytes, maxAttempts, Dependencies.DEFAULT_MAX_DEPTH);
		}

	}

}
