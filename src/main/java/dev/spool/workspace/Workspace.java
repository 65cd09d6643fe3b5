package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * An opened workspace: its folders exist, task files that a stopped move left with two names have one, its index has
 * been rebuilt from the files, answers that a stopped process had committed are published, and outside agents' notes
 * of failed attempts and their published answers are recorded. The one way to get a {@link TaskStore}. Features that keep files of their own beside
 * the tasks (the manifest, the archive, the watcher) are built on it and know it; it knows none of them.
 */
public final class Workspace {

	/**
	 * Temporary files older than this were left by a process that died while writing; newer ones may be in use. A
	 * result of Spool's own agent seen this long without its record was left so too.
	 */
	private static final Duration LEFTOVER_AGE = Duration.ofMinutes(1);

	/** Files larger than the prompt limit by more than this are flagged instead of read. */
	static final long TASK_FILE_HEADROOM = 64 * 1024;

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final TaskFiles taskFiles;

	private final TaskIndex index;

	private final TaskStore store;

	private final FailureNotes failureNotes;

	private final OutsideAnswers outsideAnswers;

	private final AttemptNotes attemptNotes;

	private final Deque<Runnable> onClose = new ArrayDeque<>();

	private Workspace(WorkspaceLayout layout, AtomicFiles files, TaskFiles taskFiles, TaskIndex index,
			TaskStore store, FailureNotes failureNotes, OutsideAnswers outsideAnswers, AttemptNotes attemptNotes) {
		this.layout = layout;
		this.files = files;
		this.taskFiles = taskFiles;
		this.index = index;
		this.store = store;
		this.failureNotes = failureNotes;
		this.outsideAnswers = outsideAnswers;
		this.attemptNotes = attemptNotes;
	}

	/**
	 * Opens the workspace at a folder, creating whatever is missing, with no feature's rules.
	 * @param settings how to write and what to accept
	 * @param listener told of every change to what is known of a task, on the thread that noticed it
	 */
	public static Workspace open(Path root, Settings settings, Clock clock, Consumer<TaskChanged> listener)
			throws IOException {
		return open(root, settings, Extensions.NONE, clock, listener);
	}

	/**
	 * Opens the workspace at a folder, creating whatever is missing.
	 * @param settings how to write and what to accept
	 * @param extensions what features add to the protocol
	 * @param listener told of every change to what is known of a task, on the thread that noticed it
	 */
	public static Workspace open(Path root, Settings settings, Extensions extensions, Clock clock,
			Consumer<TaskChanged> listener) throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(root);
		layout.createFolders();
		AtomicFiles files = new AtomicFiles(settings.fsync());
		AttemptLog log = new AttemptLog(layout, files);
		OutsideAnswers outsideAnswers = new OutsideAnswers(layout, log, clock, LEFTOVER_AGE);
		AtomicReference<Reviews> reviews = new AtomicReference<>();
		Consumer<TaskChanged> told = (change) -> {
			// Before the features hear of it: a task renamed out of review by hand has its answer set aside first,
			// and an outside agent's published answer gets its DONE record.
			Reviews known = reviews.get();
			if (known != null) {
				known.noticed(change);
			}
			outsideAnswers.consider(change.after());
			listener.accept(change);
		};
		TaskIndex index = new TaskIndex(layout, log, clock, settings.maxPromptBytes() + TASK_FILE_HEADROOM,
				settings.maxDependencyDepth(), extensions.startRules(), told);
		TaskStore store = new TaskStore(layout, files, log, index, clock, settings.maxPromptBytes(),
				settings.maxAttempts(), settings.delegation());
		reviews.set(store.reviews());
		TaskFiles taskFiles = store.taskFiles();
		// The owners the manifest remembers are read meanwhile, on a thread of their own: at 100,000 tasks the
		// manifest is some 20 MB of JSON, read while this thread clears leftovers, repairs moves and loads the ids.
		CompletableFuture<Map<TaskId, String>> owners = CompletableFuture
			.supplyAsync(() -> extensions.owners().read(layout), (read) -> {
				Thread thread = new Thread(read, "spool-owners");
				thread.setDaemon(true);
				thread.start();
			});
		files.removeLeftovers(layout.foldersWithTemporaryFiles(), LEFTOVER_AGE);
		new InterruptedMoves(layout, taskFiles).repair(() -> clock.instant().plus(files.folderSkew(layout.tasks())), LEFTOVER_AGE);
		store.loadReservations();
		index.rememberOwners(owners.join());
		index.rescan();
		index.rememberedOwnersServed();
		store.recoverStagedAnswers();
		FailureNotes failureNotes = new FailureNotes(layout, store, clock);
		failureNotes.takeAll();
		// The answers outside agents published are recorded after the workspace opens, by the watcher, not here: in a
		// workspace of many such answers that nobody recorded yet, writing their records would hold up the start.
		return new Workspace(layout, files, taskFiles, index, store, failureNotes, outsideAnswers, log.notes());
	}

	/** Asks for something to be done when the workspace closes, before what was asked earlier. */
	public synchronized void onClose(Runnable action) {
		this.onClose.push(action);
	}

	/**
	 * Does what was asked for at closing, last asked first (the manifest writes its last change and stops writing),
	 * then flushes the answers published since the last flush of {@code outputs/} and removes their staged copies.
	 * Spring calls this when Spool stops, after everything that uses the workspace has stopped.
	 */
	public synchronized void close() {
		while (!this.onClose.isEmpty()) {
			this.onClose.pop().run();
		}
		this.store.close();
	}

	public WorkspaceLayout layout() {
		return this.layout;
	}

	/** How this workspace writes whole files, for features that keep files of their own. */
	public AtomicFiles files() {
		return this.files;
	}

	/** The one writer of task files, for features that move them, such as the archive. */
	public TaskFiles taskFiles() {
		return this.taskFiles;
	}

	public TaskIndex index() {
		return this.index;
	}

	public TaskStore store() {
		return this.store;
	}

	/** What attempts under way go on without, for the records that end them. */
	public AttemptNotes attemptNotes() {
		return this.attemptNotes;
	}

	/** Counts the notes of failed attempts that outside agents left in {@code failures/}. */
	public void takeFailureNotes() {
		this.failureNotes.takeAll();
	}

	/** Writes the {@code DONE} records of answers that outside agents published since the last call. */
	public void recordOutsideAnswers() {
		this.outsideAnswers.recordAll(this.index);
	}

	/**
	 * What features add to a workspace's protocol.
	 *
	 * @param startRules what each feature says of when a task may start, asked in this order
	 * @param owners where the owners of finished tasks were recorded before this process started
	 */
	public record Extensions(List<StartRule> startRules, OwnerHistory owners) {

		/** None: every task that is ready by its dependencies may start. */
		public static final Extensions NONE = new Extensions(List.of(), OwnerHistory.NONE);

		public Extensions {
			startRules = List.copyOf(startRules);
		}

	}

	/**
	 * How a workspace writes and what it accepts.
	 *
	 * @param fsync whether to flush files and folders before and after publishing renames
	 * @param maxPromptBytes the largest prompt accepted
	 * @param maxAttempts attempts before a task fails, unless its front matter says otherwise
	 * @param maxDependencyDepth the longest chain of unfinished tasks a new task may depend on; longer ones written
	 * by hand are flagged
	 * @param delegation how deep subtasks may nest and how many one task may submit
	 */
	public record Settings(boolean fsync, long maxPromptBytes, int maxAttempts, int maxDependencyDepth,
			DelegationLimits delegation) {

		public Settings(boolean fsync, long maxPromptBytes, int maxAttempts, int maxDependencyDepth) {
			this(fsync, maxPromptBytes, maxAttempts, maxDependencyDepth, DelegationLimits.DEFAULT);
		}

		public Settings(boolean fsync, long maxPromptBytes, int maxAttempts) {
			this(fsync, maxPromptBytes, maxAttempts, Dependencies.DEFAULT_MAX_DEPTH);
		}

	}

}
