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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;


/**
 * What is known of every task, derived from the files and kept converged with them: by Spool's own verbs at once, by
 * the watcher's hints within milliseconds, and by a periodic full rescan whatever else happens. Reads never block, and
 * files are read outside the lock: an update decides a task's names under the lock, reads them without it, and
 * applies what it read under the lock again unless a newer update of the same task was applied meanwhile. A task once
 * known stays findable while it moves, until a rescan that began after it was last seen lists no file of it.
 */
public final class TaskIndex {

	private static final Log logger = LogFactory.getLog(TaskIndex.class);


	/**
	 * How long a task file written by someone else must stay unchanged before agents take it when nothing tells
	 * whether its writer is done; see {@link WholeFiles}.
	 */
	public static final Duration SETTLE = WholeFiles.SETTLE;

	/** From how many tasks to read a listing brings up to date that they are read on several threads (a start). */
	private static final int PARALLEL_READS = 512;

	/**
	 * How many threads read those: twice the cores, since a read waits for the disk when the files are not in memory
	 * (after a reboot). At 100,000 tasks on two cores, a start with nothing in memory took 28 to 38 s with a reader a
	 * core and 22 to 25 s with two; with everything in memory, the same (8 to 11 s either way).
	 */
	private static final int READERS = 2 * Runtime.getRuntime().availableProcessors();

	private final WorkspaceLayout layout;

	private final Clock clock;

	private final TaskReader reader;

	private final Consumer<TaskChanged> listener;

	private final Object lock = new Object();

	/** The names each task has in {@code tasks/} and the updates begun and applied for it; guarded by the lock. */
	private final Map<TaskId, Tracked> tracked = new HashMap<>();

	/**
	 * Stands for what the index holds of a task's records and result, in place of a listing's hint: the update
	 * neither probes for a record after those known nor looks for a result it does not know of.
	 */
	private static final TaskReader.Listed AS_KNOWN = new TaskReader.Listed(false, 0, null);

	/** Tasks this process is moving, with the file events of each that wait for it; see {@link #ownMoveStarts}. */
	private final Map<TaskId, WaitingEvents> ownMoves = new ConcurrentHashMap<>();

	/** Results this process is linking into {@code outputs/}, with their headers. */
	private final Map<TaskId, ResultHeader> publishing = new ConcurrentHashMap<>();

	/** Orders the updates of every task; guarded by the lock. */
	private long updates;

	/** Tasks whose files the index knows now. */
	private final Map<TaskId, Task> tasks = new ConcurrentHashMap<>();

	/** What {@link #find} answers: every task in {@link #tasks}, and departed ones until a rescan confirms them gone. */
	private final Map<TaskId, Task> findable = new ConcurrentHashMap<>();

	private final List<StartRule> rules;

	/**
	 * Tasks an agent may take once they are ready: pending ones, and waiting ones by the agent they wait for; each
	 * task keyed by its place in the taking order. Agents walk it without the lock, so a task read again replaces its
	 * entry in one step rather than leaving and coming back, which a walk under way could miss.
	 */
	private final ConcurrentSkipListMap<Place, Task> startable = new ConcurrentSkipListMap<>();


	/**
	 * Tasks whose files vanished, with the number of the rescan under way when they did; kept findable until a later
	 * rescan confirms it, since a rename can be seen as vanish + appear.
	 */
	private final Map<TaskId, Long> departed = new ConcurrentHashMap<>();

	private final AtomicLong rescans = new AtomicLong();

	private final Set<String> strays = ConcurrentHashMap.newKeySet();

	private final AtomicLong highestNumber = new AtomicLong();

	/** Which task files are whole, as events, this process's own writes and settling times tell. */
	private final WholeFiles whole;

	private final RenameEchoes echoes = new RenameEchoes();

	private final TaskQueries queries = new TaskQueries();

	private final FolderTimes folderTimes;

	private final int maxDependencyDepth;

	private final AttemptLog log;

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
		this.log = log;
		this.reader = new TaskReader(layout, log, clock, maxFileSize);
		this.listener = listener;
		this.folderTimes = new FolderTimes(List.of(layout.tasks(), layout.outputs(), layout.attempts()),
				System::nanoTime);
		this.whole = new WholeFiles(clock, (name) -> taskFileChanged(name, true));
	}

	public WholeFiles whole() {
		return this.whole;
	}

	/** The events this process's own renames of task files cause, which the watcher lets pass. */
	public RenameEchoes echoes() {
		return this.echoes;
	}

	/**
	 * What is known of a task. A task whose file was just seen to vanish is still found until a rescan confirms it
	 * gone, since a rename is often seen as a vanished name first and a new name a moment later.
	 */
	public Optional<Task> find(TaskId id) {
		return Optional.ofNullable(this.findable.get(id));
	}

	/**
	 * Whether {@code ancestor} submitted the task, or submitted a task that did, and so on up its {@code parent}s as
	 * this index knows them; a loop of parents written by hand ends the search.
	 */
	public boolean submittedBy(Task task, TaskId ancestor) {
		Set<TaskId> seen = new HashSet<>();
		TaskId above = task.document().parent();
		while (above != null && seen.add(above)) {
			if (above.equals(ancestor)) {
				return true;
			}
			above = find(above).map((parent) -> parent.document().parent()).orElse(null);
		}
		return false;
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

	/** Tells a test of each task file the index is about to read, on the thread that reads it. */
	void beforeReading(Consumer<Path> hook) {
		this.reader.beforeOpening(hook);
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
	 * Tasks this agent, listing these roles, may take now and that it would take, in taking order: pending ones, and
	 * those waiting for it whose wait is over.
	 * @param wanted what the agent itself asks of a task that may start, asked last, such as that its budget allows
	 */
	public List<Task> claimable(String agent, Collection<String> roles, Predicate<Task> wanted, int limit) {
		List<Task> found = new ArrayList<>();
		Instant now = this.clock.instant();
		for (Task task : this.startable.values()) {
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

	/**
	 * Where a pending task stands among those an agent with these roles may take now, in taking order (priority, then
	 * id): its place from 1, or 0 when the agent would not take it now, and how many it may take.
	 */
	public QueuePlace place(Task task, String agent, Collection<String> roles) {
		int ahead = 0;
		int waiting = 0;
		boolean found = false;
		for (Task other : claimable(agent, roles, (candidate) -> true, Integer.MAX_VALUE)) {
			waiting++;
			if (other.id().equals(task.id())) {
				found = true;
			}
			else if (!found) {
				ahead++;
			}
		}
		return new QueuePlace(found ? ahead + 1 : 0, waiting);
	}

	/** Whether every feature's rule lets a task start now (a pipeline's stage before it, a goal's orchestrator). */
	public boolean rulesAllow(Task task) {
		return this.rules.stream().allMatch((rule) -> rule.ready(task, this));
	}

	/**
	 * A task's place in one agent's queue.
	 *
	 * @param position its place from 1 in taking order, or 0 when the agent would not take it now
	 * @param waiting how many tasks the agent may take now
	 */
	public record QueuePlace(int position, int waiting) {
	}

	public boolean hasClaimable() {
		return this.startable.values().stream().anyMatch((task) -> task.problem() == null && ready(task));
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

	/** The first reading is done: the remembered owners of the tasks it read have served (their reads keep them). */
	void rememberedOwnersServed() {
		this.reader.forgetOwners(this.tasks.keySet());
	}

	/**
	 * Lists {@code tasks/}, {@code outputs/} and the attempt records, and brings every task whose files changed up to
	 * date: a task renamed, given its output or given a record since it was last read, by anyone.
	 */
	public void rescan() {
		long rescan = this.rescans.incrementAndGet();
		this.folderTimes.listingStarts();
		// One entry a task for the three listings: at 100,000 tasks, three maps of their own (and three ids a task)
		// held some 50 MB at once, long enough after a start to grow the heap for good.
		Map<TaskId, Listing> listed = new HashMap<>();
		listOutputs(listed);
		countRecords(listed);
		Set<String> straysSeen = new HashSet<>();
		try {
			FolderNames.forEach(this.layout.tasks(), (name) -> {
				Optional<TaskFile> file = TaskFile.parse(name);
				if (file.isPresent()) {
					listed.computeIfAbsent(file.get().id(), (id) -> new Listing()).name(name);
				}
				else if (!name.startsWith(".")) {
					straysSeen.add(name);
					reportStray(name);
				}
			});
		}
		catch (IOException ex) {
			logger.warn("Could not list " + this.layout.tasks() + ": " + ex.getMessage());
			return;
		}
		this.strays.retainAll(straysSeen);
		Map<TaskId, Set<String>> known = knownNames();
		List<TaskId> stale = new ArrayList<>();
		listed.forEach((id, listing) -> {
			if (!listing.names.equals(known.getOrDefault(id, Set.of())) || !listing.matches(this.tasks.get(id))) {
				stale.add(id);
			}
		});
		known.keySet().stream().filter((id) -> !listed.containsKey(id)).forEach(stale::add);
		// In the order of their ids, so that the queries' sorted maps take a start's tasks in near order: at 100,000
		// tasks in the listing's hashed order, their inserts cost the readers three times the CPU.
		stale.sort(null);
		// Each update reads without the lock, so a start's thousands of reads share the threads.
		List<TaskChanged> changes = Collections.synchronizedList(new ArrayList<>());
		forEachRead(stale, (id) -> {
			Listing listing = listed.getOrDefault(id, Listing.NONE);
			Set<String> now = listing.names;
			// The listing began before this task's names are looked at: a task published or moved since (by this
			// process, or learned from an event) is missing from it or stands under an old name. What the folder
			// holds now decides, so that no task leaves the index for an instant it was not gone. A task the index
			// knew no name of (every task, at a start) is read under the listed names: one renamed since is read
			// under none, as a look would find, and its new name's event brings it.
			update(id, (names) -> (now.equals(names) || names.isEmpty()) ? now : present(now, names), Set.of(),
					listing.hint(), null, false, changes);
		});
		forgetDeparted(listed.keySet(), rescan);
		publish(changes);
	}

	/** Runs each read, on {@link #READERS} threads of their own when there are many. */
	private static void forEachRead(List<TaskId> ids, Consumer<TaskId> read) {
		if (ids.size() < PARALLEL_READS) {
			ids.forEach(read);
			return;
		}
		// Numbered here: a worker's pool index is not known until it runs, so each would be spool-read-0.
		AtomicInteger made = new AtomicInteger();
		ForkJoinPool readers = new ForkJoinPool(READERS, (pool) -> {
			ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
			thread.setName("spool-read-" + made.incrementAndGet());
			// Not the system class loader, which cannot see inside a one-file jar: Spool's, as its own threads have.
			thread.setContextClassLoader(TaskIndex.class.getClassLoader());
			return thread;
		}, null, false);
		try {
			readers.submit(() -> ids.parallelStream().forEach(read)).join();
		}
		finally {
			readers.shutdown();
		}
	}

	/** The names of every task the index knows a file of, as they are now. */
	private Map<TaskId, Set<String>> knownNames() {
		Map<TaskId, Set<String>> known = new HashMap<>();
		synchronized (this.lock) {
			this.tracked.forEach((id, tracked) -> {
				if (!tracked.names.isEmpty()) {
					known.put(id, tracked.names);
				}
			});
		}
		return known;
	}

	/**
	 * Forgets the tasks that departed before this rescan began and that it did not list: their files are gone. One
	 * that departed while it listed may have been renamed past the listing, and waits for the next.
	 */
	private void forgetDeparted(Set<TaskId> listed, long rescan) {
		synchronized (this.lock) {
			this.departed.entrySet().removeIf((entry) -> {
				TaskId id = entry.getKey();
				Tracked tracked = this.tracked.get(id);
				boolean gone = entry.getValue() < rescan && !listed.contains(id)
						&& (tracked == null || (tracked.names.isEmpty() && tracked.settled()));
				if (gone) {
					this.tracked.remove(id);
					this.findable.remove(id);
				}
				return gone;
			});
		}
	}

	/**
	 * Looks for the files of one task in {@code tasks/} after it moved where this process did not see it go: a look
	 * at one task's names, not a rescan of the workspace.
	 */
	void lookFor(TaskId id) {
		Set<String> listed = new TreeSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.layout.tasks(), id + "_*")) {
			for (Path path : stream) {
				String name = path.getFileName().toString();
				if (TaskFile.parse(name).filter((file) -> file.id().equals(id)).isPresent()) {
					listed.add(name);
				}
			}
		}
		catch (IOException | DirectoryIteratorException ex) {
			logger.warn("Could not list " + this.layout.tasks() + ": " + ex.getMessage());
			return;
		}
		List<TaskChanged> changes = new ArrayList<>();
		update(id, (names) -> present(listed, names), Set.of(), null, null, false, changes);
		publish(changes);
	}

	/** Which of these names of one task are in {@code tasks/} now, never following a link. */
	private Set<String> present(Set<String> listed, Set<String> known) {
		Set<String> present = new TreeSet<>();
		for (Set<String> names : List.of(listed, known)) {
			for (String name : names) {
				if (SharedFile.exists(this.layout.tasks().resolve(name))) {
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

	/** Notes each task whose result {@code outputs/} lists. */
	private void listOutputs(Map<TaskId, Listing> listed) {
		String suffix = "_result.md";
		// Names are sorted out here rather than by a glob, whose pattern a listing of 100,000 names matched each
		// time at a third of the listing's cost.
		try {
			FolderNames.forEach(this.layout.outputs(), (name) -> {
				if (name.endsWith(suffix)) {
					TaskId.parse(name.substring(0, name.length() - suffix.length()))
						.ifPresent((id) -> listed.computeIfAbsent(id, (key) -> new Listing()).output = true);
				}
			});
		}
		catch (IOException ex) {
			logger.warn("Could not list " + this.layout.outputs() + ": " + ex.getMessage());
		}
	}

	/** Counts each task's attempt records, from the names {@code <id>.<number>.json}. */
	private void countRecords(Map<TaskId, Listing> listed) {
		try {
			FolderNames.forEach(this.layout.attempts(), (name) -> RecordName.parse(name)
				.ifPresent((record) -> listed.computeIfAbsent(record.task(), (key) -> new Listing()).records++));
		}
		catch (IOException ex) {
			logger.warn("Could not list " + this.layout.attempts() + ": " + ex.getMessage());
		}
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
	 * What file events say of names in {@code tasks/}, as {@link #taskFilesChanged} takes them; those of a task this
	 * process is moving wait until it has told the index ({@link #ownMoveEnded}), so that the task is not read, and
	 * offered, between its rename and what its mover writes after it.
	 */
	public void taskFilesSeen(Collection<String> names, Set<String> modified) {
		if (this.ownMoves.isEmpty()) {
			taskFilesChanged(names, modified);
			return;
		}
		List<String> now = new ArrayList<>(names.size());
		for (String name : names) {
			Optional<TaskFile> file = TaskFile.parse(name);
			boolean waits = file.isPresent() && this.ownMoves.computeIfPresent(file.get().id(), (id, waiting) -> {
				waiting.add(name, modified.contains(name));
				return waiting;
			}) != null;
			if (!waits) {
				now.add(name);
			}
		}
		if (!now.isEmpty()) {
			taskFilesChanged(now, modified);
		}
	}

	/**
	 * Says this process is about to rename a task's file and write what follows the rename (its record, its result),
	 * and will then tell the index of all of it at once: until {@link #ownMoveEnded}, file events of the task wait.
	 */
	void ownMoveStarts(TaskId id) {
		// A listener told of the move may move the task again, on this thread, before the first move ends.
		this.ownMoves.compute(id, (key, waiting) -> {
			if (waiting == null) {
				return new WaitingEvents();
			}
			waiting.movers++;
			return waiting;
		});
	}

	/** Ends {@link #ownMoveStarts}, once the index was told: when no move of the task is left, its events are taken. */
	void ownMoveEnded(TaskId id) {
		List<WaitingEvents> ended = new ArrayList<>(1);
		this.ownMoves.computeIfPresent(id, (key, waiting) -> {
			if (--waiting.movers > 0) {
				return waiting;
			}
			ended.add(waiting);
			return null;
		});
		if (!ended.isEmpty() && !ended.get(0).names.isEmpty()) {
			taskFilesChanged(ended.get(0).names, ended.get(0).modified);
		}
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
			else if (SharedFile.exists(this.layout.tasks().resolve(name))) {
				reportStray(name);
			}
			else {
				this.strays.remove(name);
			}
		}
		List<TaskChanged> changes = new ArrayList<>();
		for (Map.Entry<TaskId, Set<String>> entry : byId.entrySet()) {
			update(entry.getKey(), (known) -> {
				Set<String> now = new TreeSet<>(known);
				for (String name : entry.getValue()) {
					if (SharedFile.exists(this.layout.tasks().resolve(name))) {
						now.add(name);
					}
					else {
						now.remove(name);
					}
				}
				return now;
			}, modified, null, null, true, changes);
		}
		publish(changes);
	}

	/**
	 * Takes in a move this process made: the task's file was renamed from one name to another. A task known under
	 * the old name alone, with no read of it under way, is known under the new one without looking, and its records
	 * and result as before: what others change after is told by their file events, as for any task. Otherwise (the
	 * rename failed, or the task moved on already) its names are looked at.
	 * @param renamed whether this process's rename succeeded
	 */
	void moved(TaskFile from, TaskFile to, boolean renamed) {
		if (!renamed) {
			taskFilesChanged(List.of(from.fileName(), to.fileName()), Set.of());
			return;
		}
		movedAndRecorded(from, to, null);
	}

	/**
	 * Takes in a move this process made and the record it wrote after it, with a result it linked for a finished
	 * task (see {@link #publishingOutput}), all in one change, as {@link #moved} and {@link #recorded} take in each.
	 * @param record the record written after the rename, or null for none
	 */
	void movedAndRecorded(TaskFile from, TaskFile to, Attempt record) {
		List<TaskChanged> changes = new ArrayList<>();
		update(to.id(), afterMove(from, to), Set.of(), AS_KNOWN, record, false, changes);
		publish(changes);
	}

	/** A task's names after this process renamed its file: looked at unless it was known under the old one alone. */
	private UnaryOperator<Set<String>> afterMove(TaskFile from, TaskFile to) {
		Set<String> before = Set.of(from.fileName());
		return (known) -> known.equals(before) ? Set.of(to.fileName())
				: present(Set.of(from.fileName(), to.fileName()), known);
	}

	/** Reads a task's history and output again, after they may have changed. */
	public void refresh(TaskId id) {
		List<TaskChanged> changes = new ArrayList<>();
		update(id, (names) -> names, Set.of(), null, null, false, changes);
		publish(changes);
	}

	/**
	 * Takes in a record this process has just written: added to the history known, not read back from its file.
	 * Records after it, written by others, are looked for as on any read.
	 */
	void recorded(TaskId id, Attempt record) {
		List<TaskChanged> changes = new ArrayList<>();
		update(id, (names) -> names, Set.of(), AS_KNOWN, record, false, changes);
		publish(changes);
	}

	/**
	 * Says that this process is about to link a done task's result into {@code outputs/}, with this header: until
	 * {@link #outputPublished}, the file's event tells nothing new, and the index takes the result in with the
	 * task's record without reading it back.
	 */
	void publishingOutput(TaskId id, ResultHeader header) {
		this.publishing.put(id, header);
	}

	/** Ends {@link #publishingOutput}: the result is linked and taken in, or its link failed. */
	void outputPublished(TaskId id) {
		this.publishing.remove(id);
	}

	/**
	 * Whether the index holds a task's record number {@code number}, with no read of the task under way: a file event
	 * of that record then tells nothing new (records are never rewritten). Most are of this process's own records,
	 * taken in by {@link #recorded} when written, or about to be.
	 */
	public boolean holdsRecord(TaskId id, int number) {
		if (this.log.isBeingWritten(id, number)) {
			return true;
		}
		synchronized (this.lock) {
			Task task = this.tasks.get(id);
			Tracked tracked = this.tracked.get(id);
			return task != null && tracked != null && tracked.settled() && task.history().size() >= number
					&& task.history().get(number - 1).number() == number;
		}
	}

	/** Whether the index knows of a task's result, with no read of the task under way (results are never rewritten). */
	public boolean holdsOutput(TaskId id) {
		if (this.publishing.containsKey(id)) {
			return true;
		}
		synchronized (this.lock) {
			Task task = this.tasks.get(id);
			Tracked tracked = this.tracked.get(id);
			return task != null && task.hasOutput() && tracked != null && tracked.settled();
		}
	}

	/**
	 * Brings one task up to date: decides its names under the lock, reads its files without it, and applies what was
	 * read under the lock unless a newer update of it was applied meanwhile.
	 * @param look the task's names now, from those known
	 * @param modified names whose content may have changed
	 * @param hint what a listing said of its output and records, or null to look
	 * @param recorded a record this process has just written, or null
	 * @param namesOnly whether only the task's names may have changed (a file event, with the content's own events
	 * in {@code modified}): then a task whose names are as known, read and not being read, is not read again
	 */
	private void update(TaskId id, UnaryOperator<Set<String>> look, Set<String> modified, TaskReader.Listed hint,
			Attempt recorded, boolean namesOnly, List<TaskChanged> changes) {
		Update update;
		synchronized (this.lock) {
			Tracked tracked = this.tracked.get(id);
			Set<String> known = (tracked != null) ? tracked.names : Set.of();
			SortedSet<String> now = Collections.unmodifiableSortedSet(new TreeSet<>(look.apply(known)));
			if (now.isEmpty() && known.isEmpty()) {
				return;
			}
			// A touch of an in-progress file is a heartbeat, not an edit.
			boolean reread = now.stream().anyMatch((name) -> modified.contains(name) && !name.contains("_inprogress_"));
			if (namesOnly && !reread && alreadyRead(id, tracked, now)) {
				return;
			}
			Task held = this.findable.get(id);
			TaskReader.Listed listed = (hint != AS_KNOWN) ? hint
					: (tracked != null && tracked.settled()) ? asKnown(id, held, recorded) : null;
			if (tracked == null) {
				tracked = new Tracked();
				this.tracked.put(id, tracked);
			}
			tracked.names = Tracked.kept(now);
			tracked.begun = ++this.updates;
			update = new Update(id, known, now, tracked.begun, held, reread, listed, recorded);
		}
		try {
			Read read = read(update);
			synchronized (this.lock) {
				// The move's own updates (AS_KNOWN) tell where a task this process moves went; other looks wait.
				if (read.task() == null && hint != AS_KNOWN && waitsForOwnMove(update)) {
					Tracked tracked = this.tracked.get(id);
					if (tracked != null && update.number() > tracked.applied) {
						tracked.applied = update.number();
						if (tracked.begun == update.number()) {
							tracked.names = update.namesBefore();
						}
					}
					return;
				}
				apply(update, read, changes);
			}
		}
		catch (RuntimeException ex) {
			// A bug met on one task must not keep the others out of the index. Forgetting its names makes the next
			// rescan try it again.
			logger.error("Could not bring " + id + " up to date", ex);
			synchronized (this.lock) {
				Tracked tracked = this.tracked.get(id);
				if (tracked != null && tracked.begun == update.number()) {
					tracked.names = Set.of();
					tracked.applied = update.number();
				}
			}
		}
	}

	/**
	 * Whether a task this look found gone is being moved by this process: the look began before the move and saw its
	 * rename, not the task leave. Then nothing is taken from it (the move tells the index where the task went as it
	 * ends) and the names it looked at wait for the move's end to be looked at again, as file events that come during
	 * a move do: a task that did leave meanwhile is seen gone then. Without this, a task being claimed or finished
	 * here vanished for an instant from the board, the manifest and the event streams, some times in a thousand.
	 */
	private boolean waitsForOwnMove(Update update) {
		return this.ownMoves.computeIfPresent(update.id(), (id, waiting) -> {
			update.names().forEach((name) -> waiting.add(name, false));
			if (update.known() != null) {
				waiting.add(update.known().file().fileName(), false);
			}
			return waiting;
		}) != null;
	}

	/**
	 * What the index holds of a task's records and result, and the result this process is linking, as a listing
	 * would tell them; null (look) for a task not known, whose records have a gap, or whose record just written does
	 * not follow those held (another process wrote one in between, whose event has not come yet): read again whole.
	 */
	private TaskReader.Listed asKnown(TaskId id, Task known, Attempt recorded) {
		if (known == null) {
			return null;
		}
		List<Attempt> history = known.history();
		if (!history.isEmpty() && history.get(history.size() - 1).number() != history.size()
				|| recorded != null && recorded.number() != history.size() + 1) {
			return null;
		}
		ResultHeader publishing = this.publishing.get(id);
		return new TaskReader.Listed(known.hasOutput() || publishing != null, history.size(), publishing);
	}

	/**
	 * Whether a file event tells nothing the index does not hold: the task is known under exactly these names, read
	 * with no read of it under way (the event is most often of this process's own rename, taken in already). Only a
	 * task agents may take is read all the same, since the event may be what tells that its file is whole.
	 */
	private boolean alreadyRead(TaskId id, Tracked tracked, Set<String> now) {
		Task task = this.tasks.get(id);
		return tracked != null && tracked.settled() && task != null && now.equals(tracked.names)
				&& task.state() != TaskState.PENDING && task.state() != TaskState.WAITING;
	}

	/** Reads a task from the names an update decided, dropping those renamed or removed meanwhile. */
	private Read read(Update update) {
		SortedSet<String> now = new TreeSet<>(update.names());
		while (!now.isEmpty()) {
			try {
				return new Read(now, this.reader.load(update.id(), now, update.known(), update.reread(), update.hint(),
						update.recorded(), this.whole));
			}
			catch (TaskReader.VanishedException ex) {
				// Renamed while we looked: forget that name; the new one is reported next.
				now.remove(ex.name);
			}
		}
		return new Read(now, null);
	}

	/** Applies what an update read, under the lock, unless a newer update of the task was applied already. */
	private void apply(Update update, Read read, List<TaskChanged> changes) {
		TaskId id = update.id();
		Tracked tracked = this.tracked.get(id);
		if (tracked == null || update.number() <= tracked.applied) {
			return;
		}
		tracked.applied = update.number();
		if (tracked.begun == update.number()) {
			tracked.names = Tracked.kept(read.names());
		}
		Task before = this.tasks.get(id);
		Task known = this.findable.get(id);
		Task after = read.task();
		boolean startable = after != null
				&& (after.state() == TaskState.PENDING || after.state() == TaskState.WAITING);
		if (startable) {
			// Put before the old entry is removed: a walk under way sees the task once or, for an instant when its
			// place changed, twice, but never not at all.
			this.startable.put(Place.of(after), after);
		}
		if (before != null && !(startable && Place.of(before).equals(Place.of(after)))) {
			this.startable.remove(Place.of(before));
		}
		if (after == null) {
			this.tasks.remove(id);
			if (known != null) {
				// Still found while it is away: a rename is often seen as a vanished name first and a new name after.
				this.departed.putIfAbsent(id, this.rescans.get());
			}
			else if (tracked.names.isEmpty() && tracked.settled()) {
				this.tracked.remove(id);
			}
		}
		else {
			this.highestNumber.accumulateAndGet(id.number(), Math::max);
			this.tasks.put(id, after);
			this.findable.put(id, after);
			this.departed.remove(id);
			if (tracked.settled()) {
				// Only once no other read of it is under way: one that began before this was applied still needs
				// the mark, since what it knew of the task then did not say it is whole.
				this.whole.taken(after);
			}
		}
		this.queries.replace(before, after);
		// A task seen again after vanishing (a rename seen as two events) changes from what was known of it.
		Task previous = (before == null && after != null) ? known : before;
		// A heartbeat only touches the file: nothing anyone reads changes, so nothing is rewritten or sent.
		// Nor does a file read again unchanged, unless it is now known whole: agents may take it, so they are told.
		boolean unchanged = (previous == null) ? after == null
				: previous.looksLike(after) && WholeFiles.isKnownWhole(previous) == WholeFiles.isKnownWhole(after);
		if ((before != null || after != null) && !unchanged) {
			changes.add(TaskChanged.of(previous, after));
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

	/** What the index knows of one task's names, and which of its updates began and was applied last. */
	private static final class Tracked {

		/** The task's file names; in any order, since each update sorts them anew. */
		Set<String> names = Set.of();

		/**
		 * Names as kept for every task, with the usual single name in the smallest set there is: a sorted set costs
		 * about 170 bytes a task, a hundred thousand tasks 17 MB.
		 */
		static Set<String> kept(Set<String> names) {
			return switch (names.size()) {
				case 0 -> Set.of();
				case 1 -> Set.of(names.iterator().next());
				default -> Set.copyOf(names);
			};
		}

		long begun;

		long applied;

		/** Whether no update of the task is under way. */
		boolean settled() {
			return this.begun == this.applied;
		}

	}

	/** File events of a task that wait while this process moves it: the names, and those whose content changed. */
	private static final class WaitingEvents {

		/** The moves of the task under way: one, or more when a listener moved it again from within the first. */
		int movers = 1;

		final Set<String> names = new LinkedHashSet<>();

		final Set<String> modified = new HashSet<>();

		void add(String name, boolean contentChanged) {
			this.names.add(name);
			if (contentChanged) {
				this.modified.add(name);
			}
		}

	}

	/** What one rescan's listing found of a task: its names in {@code tasks/}, its result, its records. */
	private static final class Listing {

		static final Listing NONE = new Listing();

		Set<String> names = Set.of();

		boolean output;

		int records;

		void name(String name) {
			if (this.names.isEmpty()) {
				this.names = Set.of(name);
			}
			else {
				Set<String> more = new TreeSet<>(this.names);
				more.add(name);
				this.names = more;
			}
		}

		/**
		 * Whether what is known of a task agrees with the result and the records listed, which others may add at any
		 * time; a task not known yet agrees.
		 */
		boolean matches(Task task) {
			return task == null || (task.hasOutput() == this.output && task.history().size() == this.records);
		}

		TaskReader.Listed hint() {
			return new TaskReader.Listed(this.output, this.records, null);
		}

	}

	/** A task's place in the taking order: higher priority first, then lower id. */
	private record Place(int priority, TaskId id) implements Comparable<Place> {

		static Place of(Task task) {
			return new Place(task.document().priority(), task.id());
		}

		@Override
		public int compareTo(Place other) {
			int byPriority = Integer.compare(other.priority, this.priority);
			return (byPriority != 0) ? byPriority : this.id.compareTo(other.id);
		}

	}

	/**
	 * An update begun: the names known before it, those it reads, its number, and what was known of the task when it
	 * began.
	 */
	private record Update(TaskId id, Set<String> namesBefore, Set<String> names, long number, Task known,
			boolean reread, TaskReader.Listed hint, Attempt recorded) {
	}

	/** What an update read: the names still there, and the task they tell, or null when none was. */
	private record Read(SortedSet<String> names, Task task) {
	}

}
