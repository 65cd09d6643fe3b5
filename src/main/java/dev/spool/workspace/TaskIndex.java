package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;


/**
 * What is known of every task, derived from the files and kept converged with them: by Spool's own verbs at once, by
 * the watcher's hints within milliseconds, and by a periodic full rescan whatever else happens. Reads never block.
 */
public final class TaskIndex {

	private static final Log logger = LogFactory.getLog(TaskIndex.class);


	/**
	 * How long a task file written by someone else must stay unchanged before agents take it when nothing tells
	 * whether its writer is done; see {@link WholeFiles}.
	 */
	public static final Duration SETTLE = WholeFiles.SETTLE;

	/** Pending tasks in the order agents take them: higher priority first, then older ids. */
	private static final Comparator<Task> TAKING_ORDER = Comparator
		.comparingInt((Task task) -> task.document().priority())
		.reversed()
		.thenComparing(Task::id);

	private final WorkspaceLayout layout;

	private final Clock clock;

	private final TaskReader reader;

	private final Consumer<TaskChanged> listener;

	private final Object lock = new Object();

	private final Map<TaskId, Set<String>> names = new HashMap<>();

	private final Map<TaskId, Task> tasks = new ConcurrentHashMap<>();

	private final List<StartRule> rules;

	private final ConcurrentSkipListSet<Task> pending = new ConcurrentSkipListSet<>(TAKING_ORDER);


	/** Tasks whose file vanished, kept until a rescan confirms it, since a rename can be seen as vanish + appear. */
	private final Map<TaskId, Task> departed = new ConcurrentHashMap<>();

	private final Set<String> strays = ConcurrentHashMap.newKeySet();

	private final AtomicLong highestNumber = new AtomicLong();

	/** Which task files are whole, as events, this process's own writes and settling times tell. */
	private final WholeFiles whole;

	private final TaskQueries queries = new TaskQueries();

	private final FolderTimes folderTimes;

	private final int maxDependencyDepth;

	TaskIndex(WorkspaceLayout layout, AttemptLog log, Clock clock, long maxFileSize, Consumer<TaskChanged> listener) {
		this(layout, log, clock, maxFileSize, Dependencies.DEFAULT_MAX_DEPTH, List.of(), listener);
	}

	/** @param rules what the features say of when a task may start, asked in this order */
	TaskIndex(WorkspaceLayout layout, AttemptLog log, Clock clock, long maxFileSize, int maxDependencyDepth,
			List<StartRule> rules, Consumer<TaskChanged> listener) {
		this.layout = layout;
		this.rules = List.copyOf(rules);
		this.maxDependencyDepth = maxDependencyDepth;
		this.clock = clock;
		this.reader = new TaskReader(layout, log, clock, maxFileSize);
		this.listener = listener;
		this.folderTimes = new FolderTimes(List.of(layout.tasks(), layout.outputs(), layout.attempts()),
				System::nanoTime);
		this.whole = new WholeFiles(clock, (name) -> taskFileChanged(name, true));
	}

	public WholeFiles whole() {
		return this.whole;
	}

	/**
	 * What is known of a task. A task whose file was just seen to vanish is still found until a rescan confirms it
	 * gone, since a rename is often seen as a vanished name first and a new name a moment later.
	 */
	public Optional<Task> find(TaskId id) {
		Task task = this.tasks.get(id);
		return Optional.ofNullable((task != null) ? task : this.departed.get(id));
	}

	/** Every task, by id. */
	public List<Task> all() {
		List<Task> all = new ArrayList<>(this.tasks.values());
		all.sort(Comparator.comparing(Task::id));
		return all;
	}

	/** Every task, newest (highest id) first, as boards and listings show them. */
	public List<Task> newestFirst() {
		List<Task> all = new ArrayList<>(this.tasks.values());
		all.sort(Comparator.comparing(Task::id).reversed());
		return all;
	}

	/** Every task in no particular order, for scans that need no order; a live view, not a copy. */
	public Collection<Task> unordered() {
		return Collections.unmodifiableCollection(this.tasks.values());
	}

	public int size() {
		return this.tasks.size();
	}

	/** How many files the index has read, for tests that count them. */
	TaskReader.Reads reads() {
		return this.reader.reads();
	}

	/** Indexes over the tasks for pages and hot paths, kept up to date with this index. */
	public TaskQueries queries() {
		return this.queries;
	}

	/** Pending tasks this agent, listing no roles, may take now, in taking order. */
	public List<Task> claimable(String agent, int limit) {
		return claimable(agent, List.of(), limit);
	}

	/** Pending tasks this agent, listing these roles, may take now, in taking order. */
	public List<Task> claimable(String agent, Collection<String> roles, int limit) {
		return claimable(agent, roles, (task) -> true, limit);
	}

	/**
	 * Pending tasks this agent, listing these roles, may take now and that it would take, in taking order.
	 * @param wanted what the agent itself asks of a task that may start, asked last, such as that its budget allows
	 */
	public List<Task> claimable(String agent, Collection<String> roles, Predicate<Task> wanted, int limit) {
		List<Task> found = new ArrayList<>();
		Instant now = this.clock.instant();
		for (Task task : this.pending) {
			if (task.isClaimableBy(agent, roles) && WholeFiles.isWhole(task, now) && ready(task)
					&& this.rules.stream().allMatch((rule) -> rule.takes(agent, task)) && wanted.test(task)) {
				found.add(task);
				if (found.size() == limit) {
					break;
				}
			}
		}
		return found;
	}

	public boolean hasClaimable() {
		return this.pending.stream().anyMatch((task) -> task.problem() == null && ready(task));
	}

	/**
	 * Whether a pending task may start as far as other tasks go: every dependency is done and handed over, and every
	 * rule agrees.
	 */
	private boolean ready(Task task) {
		return dependencies().ready(task) && this.rules.stream().allMatch((rule) -> rule.ready(task, this));
	}

	/** What the tasks' dependencies mean, as this index knows the files now. */
	public Dependencies dependencies() {
		return new Dependencies(this::find, this::streamsFrom, this.clock, this.maxDependencyDepth);
	}

	private Optional<Task> streamsFrom(Task task) {
		for (StartRule rule : this.rules) {
			Optional<Task> source = rule.streamsFrom(task, this);
			if (source.isPresent()) {
				return source;
			}
		}
		return Optional.empty();
	}

	/** The longest chain of unfinished tasks a new task may depend on. */
	public int maxDependencyDepth() {
		return this.maxDependencyDepth;
	}

	/** The highest task number seen in {@code tasks/}, hand-made files included. */
	long highestNumber() {
		return this.highestNumber.get();
	}

	/** Owners of finished tasks that the files no longer tell, such as a shell agent's, carried over a restart. */
	void rememberOwners(Map<TaskId, String> owners) {
		this.reader.rememberOwners(owners);
	}

	/**
	 * Lists {@code tasks/}, {@code outputs/} and the attempt records, and brings every task whose files changed up to
	 * date: a task renamed, given its output or given a record since it was last read, by anyone.
	 */
	public void rescan() {
		this.folderTimes.listingStarts();
		Set<TaskId> withOutput = listIds(this.layout.outputs(), "_result.md");
		Map<TaskId, Integer> records = countRecords();
		Map<TaskId, Set<String>> listed = new HashMap<>();
		Set<String> straysSeen = new HashSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.layout.tasks())) {
			for (Path path : stream) {
				String name = path.getFileName().toString();
				Optional<TaskFile> file = TaskFile.parse(name);
				if (file.isPresent()) {
					listed.computeIfAbsent(file.get().id(), (id) -> new TreeSet<>()).add(name);
				}
				else if (!name.startsWith(".")) {
					straysSeen.add(name);
					reportStray(name);
				}
			}
		}
		catch (IOException | DirectoryIteratorException ex) {
			logger.warn("Could not list " + this.layout.tasks() + ": " + ex.getMessage());
			return;
		}
		this.strays.retainAll(straysSeen);
		List<TaskChanged> changes = new ArrayList<>();
		synchronized (this.lock) {
			Set<TaskId> ids = new HashSet<>(this.names.keySet());
			ids.addAll(listed.keySet());
			for (TaskId id : ids) {
				Set<String> now = listed.getOrDefault(id, Set.of());
				Set<String> known = this.names.getOrDefault(id, Set.of());
				if (!now.equals(known)) {
					// The listing began before the lock was taken: a task published or moved since (by this process,
					// or learned from an event) is missing from it or stands under an old name. What the folder holds
					// now decides, so that no task leaves the index for an instant it was not gone.
					now = present(now, known);
				}
				if (!now.equals(known)
						|| !matches(this.tasks.get(id), withOutput.contains(id), records.getOrDefault(id, 0))) {
					update(id, now, false, new TaskReader.Listed(withOutput.contains(id), records.getOrDefault(id, 0)),
							changes);
				}
			}
			this.departed.keySet().retainAll(listed.keySet());
		}
		publish(changes);
	}

	/** Which of these names of one task are in {@code tasks/} now, never following a link. */
	private Set<String> present(Set<String> listed, Set<String> known) {
		Set<String> present = new TreeSet<>();
		for (Set<String> names : List.of(listed, known)) {
			for (String name : names) {
				if (Files.exists(this.layout.tasks().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
					present.add(name);
				}
			}
		}
		return present;
	}

	/**
	 * Rescans unless no name was added to, removed from or renamed in {@code tasks/}, {@code outputs/} or the
	 * attempt records since a rescan that began well after their last change: the periodic safety net, cheap on a
	 * quiet workspace of any size.
	 */
	public void rescanIfChanged() {
		if (!this.folderTimes.unchangedSinceConfirmed()) {
			rescan();
		}
	}

	/** Whether what is known of a task agrees with the outputs and records listed, which others may add at any time. */
	private static boolean matches(Task task, boolean hasOutput, int records) {
		return task == null || (task.hasOutput() == hasOutput && task.history().size() == records);
	}

	/** The ids of the files in a folder named {@code <id><suffix>}. */
	private Set<TaskId> listIds(Path folder, String suffix) {
		Set<TaskId> ids = new HashSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "task_*" + suffix)) {
			for (Path path : stream) {
				String name = path.getFileName().toString();
				TaskId.parse(name.substring(0, name.length() - suffix.length())).ifPresent(ids::add);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not list " + folder + ": " + ex.getMessage());
		}
		return ids;
	}

	/** How many attempt records each task has, from the names {@code <id>.<number>.json}. */
	private Map<TaskId, Integer> countRecords() {
		Map<TaskId, Integer> counts = new HashMap<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.layout.attempts(), "task_*.json")) {
			for (Path path : stream) {
				String name = path.getFileName().toString();
				int dot = name.indexOf('.');
				TaskId.parse(name.substring(0, dot)).ifPresent((id) -> counts.merge(id, 1, Integer::sum));
			}
		}
		catch (IOException ex) {
			logger.warn("Could not list " + this.layout.attempts() + ": " + ex.getMessage());
		}
		return counts;
	}

	/** Records that this process is about to publish a whole new task file, before anyone can see it. */
	void taskFilePublishing(String name) {
		this.whole.whole(name);
	}

	/** Takes in a task file this process has just published whole. */
	void taskFilePublished(String name) {
		taskFilesChanged(List.of(name), Set.of(name));
	}

	/**
	 * Lists the workspace as {@link #rescan()} does, and reads again every task file whose size or modification time
	 * changed since it was read: for when events may have been missed, edits among them. Attempt records and results
	 * are never rewritten, so the listing tells all that can change in them.
	 */
	public void resync() {
		rescan();
		List<String> changed = new ArrayList<>();
		for (Task task : this.tasks.values()) {
			if (!sameAsRead(task)) {
				changed.add(task.file().fileName());
			}
		}
		if (!changed.isEmpty()) {
			taskFilesChanged(changed, Set.copyOf(changed));
		}
	}

	private boolean sameAsRead(Task task) {
		try {
			BasicFileAttributes attributes = Files.readAttributes(this.layout.task(task.file()),
					BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			return attributes.size() == task.fileSize()
					&& attributes.lastModifiedTime().toInstant().equals(task.fileModified());
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** A hint that a file in {@code tasks/} appeared, vanished or changed. */
	public void taskFileChanged(String name, boolean contentMayHaveChanged) {
		taskFilesChanged(List.of(name), contentMayHaveChanged ? Set.of(name) : Set.of());
	}

	/**
	 * Hints that files in {@code tasks/} appeared, vanished or changed. A rename arrives as a vanished name and a new
	 * one; taking a batch at once moves the task from one name to the other in a single change.
	 * @param names the names concerned, in any order
	 * @param modified those whose content may have changed
	 */
	public void taskFilesChanged(Collection<String> names, Set<String> modified) {
		Map<TaskId, Set<String>> byId = new TreeMap<>();
		for (String name : names) {
			Optional<TaskFile> file = TaskFile.parse(name);
			if (file.isPresent()) {
				byId.computeIfAbsent(file.get().id(), (id) -> new TreeSet<>()).add(name);
			}
			else if (Files.exists(this.layout.tasks().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
				reportStray(name);
			}
			else {
				this.strays.remove(name);
			}
		}
		List<TaskChanged> changes = new ArrayList<>();
		synchronized (this.lock) {
			for (Map.Entry<TaskId, Set<String>> entry : byId.entrySet()) {
				Set<String> now = new TreeSet<>(this.names.getOrDefault(entry.getKey(), Set.of()));
				boolean reread = false;
				for (String name : entry.getValue()) {
					if (Files.exists(this.layout.tasks().resolve(name), LinkOption.NOFOLLOW_LINKS)) {
						now.add(name);
						// A touch of an in-progress file is a heartbeat, not an edit.
						reread |= modified.contains(name) && !name.contains("_inprogress_");
					}
					else {
						now.remove(name);
					}
				}
				update(entry.getKey(), now, reread, null, changes);
			}
		}
		publish(changes);
	}

	/** Reads a task's history and output again, after they may have changed. */
	public void refresh(TaskId id) {
		List<TaskChanged> changes = new ArrayList<>();
		synchronized (this.lock) {
			Set<String> now = this.names.get(id);
			if (now != null) {
				update(id, now, false, null, changes);
			}
		}
		publish(changes);
	}

	private void update(TaskId id, Set<String> listed, boolean reread, TaskReader.Listed hint,
			List<TaskChanged> changes) {
		try {
			apply(id, listed, reread, hint, changes);
		}
		catch (RuntimeException ex) {
			// A bug met on one task must not keep the others out of the index. Forgetting its names makes the next
			// rescan try it again.
			logger.error("Could not bring " + id + " up to date", ex);
			this.names.remove(id);
		}
	}

	private void apply(TaskId id, Set<String> listed, boolean reread, TaskReader.Listed hint,
			List<TaskChanged> changes) {
		Task before = this.tasks.get(id);
		Task known = (before != null) ? before : this.departed.remove(id);
		Set<String> now = new TreeSet<>(listed);
		Task after = null;
		while (!now.isEmpty()) {
			try {
				after = this.reader.load(id, now, known, reread, hint, this.whole);
				break;
			}
			catch (TaskReader.VanishedException ex) {
				// Renamed while we looked: forget that name; the new one is reported next.
				now.remove(ex.name);
			}
		}
		if (now.isEmpty()) {
			this.names.remove(id);
			if (known != null) {
				this.departed.put(id, known);
			}
		}
		else {
			this.names.put(id, Set.copyOf(now));
			this.highestNumber.accumulateAndGet(id.number(), Math::max);
		}
		if (before != null) {
			this.pending.remove(before);
		}
		if (after == null) {
			this.tasks.remove(id);
		}
		else {
			this.tasks.put(id, after);
			if (after.state() == TaskState.PENDING) {
				this.pending.add(after);
			}
		}
		this.queries.replace(before, after);
		// A task seen again after vanishing (a rename seen as two events) changes from what was known of it.
		boolean seenAgain = before == null && after != null;
		Task previous = seenAgain ? known : before;
		// A heartbeat only touches the file: nothing anyone reads changes, so nothing is rewritten or sent.
		// Nor does a file read again unchanged, unless it is now known whole: agents may take it, so they are told.
		boolean unchanged = (previous == null) ? after == null
				: previous.looksLike(after) && WholeFiles.isKnownWhole(previous) == WholeFiles.isKnownWhole(after);
		if ((before != null || after != null) && !unchanged) {
			changes.add(new TaskChanged(previous, after));
		}
	}

	private void publish(List<TaskChanged> changes) {
		for (TaskChanged change : changes) {
			try {
				this.listener.accept(change);
			}
			catch (RuntimeException ex) {
				// The index is already up to date; a listener that fails on one change must not cost the others theirs.
				logger.error("A listener failed on the change to " + change.id(), ex);
			}
		}
	}

	/** Files in {@code tasks/} whose names are not task names; Spool leaves them alone and says so. */
	public Set<String> strays() {
		return Set.copyOf(this.strays);
	}

	private void reportStray(String name) {
		if (!name.startsWith(".") && this.strays.add(name)) {
			logger.warn("Ignoring " + this.layout.tasks().resolve(name)
					+ ": not a task file name (task_<number>_<state>.md); left where it is");
		}
	}

}
