package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The verbs of the workspace protocol. Every change of state is one atomic rename that never replaces a file, made
 * through {@link TaskFiles} for the {@link Actor} the verb belongs to; a lost race returns empty or false, never
 * throws. Only this class, through it, writes task files, outputs and attempt records; the archive moves finished
 * task files through it too.
 */
public final class TaskStore {

	private static final Log logger = LogFactory.getLog(TaskStore.class);

	/** The most of one result that is read, for the API, the pages, the answer search and dependants' prompts. */
	public static final int MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

	/** How long a committed answer may wait for its link before a running process publishes it itself. */
	static final Duration STALLED_COMMIT = Duration.ofMinutes(1);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final AttemptLog log;

	private final TaskIndex index;

	private final Clock clock;

	private final long maxPromptBytes;

	private final Delegation delegation;

	private final int defaultMaxAttempts;

	private final IdReservations ids;

	private final StagedAnswers staged;

	private final TaskFiles taskFiles;

	private final InterruptedMoves interruptedMoves;

	private final Reviews reviews;

	/** Striped locks for {@link #stamping}. */
	private final Object[] stamping = new Object[64];

	/**
	 * Tasks a slot of this process is claiming at this moment. Slots woken together take candidates in the same order,
	 * and all but one would otherwise rename a file that is gone, then look at both names to learn it.
	 */
	private final Set<TaskId> claiming = ConcurrentHashMap.newKeySet();

	/**
	 * A store for tests that follow every call its files make: the staged copies of published answers are removed only
	 * at {@link #settlePublished}, never by a thread of its own at a moment of its choosing.
	 */
	TaskStore(WorkspaceLayout layout, AtomicFiles files, AttemptLog log, TaskIndex index, Clock clock,
			long maxPromptBytes, int defaultMaxAttempts) {
		this(layout, files, log, index, clock, maxPromptBytes, defaultMaxAttempts, DelegationLimits.DEFAULT, null);
	}

	TaskStore(WorkspaceLayout layout, AtomicFiles files, AttemptLog log, TaskIndex index, Clock clock,
			long maxPromptBytes, int defaultMaxAttempts, DelegationLimits delegationLimits) {
		this(layout, files, log, index, clock, maxPromptBytes, defaultMaxAttempts, delegationLimits,
				StagedAnswers.SETTLE_DELAY);
	}

	private TaskStore(WorkspaceLayout layout, AtomicFiles files, AttemptLog log, TaskIndex index, Clock clock,
			long maxPromptBytes, int defaultMaxAttempts, DelegationLimits delegationLimits, Duration settleDelay) {
		this.layout = layout;
		this.files = files;
		this.taskFiles = new TaskFiles(layout, files, index);
		this.interruptedMoves = new InterruptedMoves(layout, this.taskFiles);
		this.log = log;
		this.index = index;
		this.clock = clock;
		this.maxPromptBytes = maxPromptBytes;
		this.defaultMaxAttempts = defaultMaxAttempts;
		this.delegation = new Delegation(index, delegationLimits);
		this.ids = new IdReservations(layout, files, index::highestNumber);
		this.staged = new StagedAnswers(layout, files, clock, settleDelay);
		this.reviews = new Reviews(layout, files, this.taskFiles, this::appendQuietly, index, clock);
		Arrays.setAll(this.stamping, (stripe) -> new Object());
	}

	/** Reads the highest id ever reserved, so that ids of deleted tasks are not handed out again. */
	void loadReservations() throws IOException {
		this.ids.load();
	}

	public TaskIndex index() {
		return this.index;
	}

	/** Decisions on answers in review; told of every change, to record tasks renamed out of review by hand. */
	Reviews reviews() {
		return this.reviews;
	}

	/** The one writer of task files, which this store's verbs go through. */
	TaskFiles taskFiles() {
		return this.taskFiles;
	}

	/**
	 * Creates a pending task under a new id, above every id in the workspace; ids stay unique across processes
	 * because each is first reserved with an exclusive create. A subtask is checked and published under its parent's
	 * lock, so that threads submitting for one parent at once make no more than its limit.
	 * @throws InvalidTaskException if the request is invalid; nothing is written
	 */
	public Task create(NewTask request) {
		try (Delegation.Admission admitted = this.delegation.admit(request.parent())) {
			TaskDocument document = validate(request);
			return publish(this.ids.next(), document);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write the task file: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Creates the subtask a model's tool call asks for, once: a call made again, by the attempt that resumes a
	 * conversation cut off after the call's effect and before its result was recorded, finds the task the first made.
	 * The id is reserved and written under the call's key in {@code .spool/calls/} (exclusively, flushed) before the task
	 * is published, so a crash at any moment leaves either nothing, a key whose task the next call publishes, or both.
	 * @param parent the task whose conversation made the call
	 * @param callId the model's id for the call
	 * @throws InvalidTaskException if the request is invalid; nothing is written
	 */
	public Task createOnce(TaskId parent, String callId, NewTask request) {
		Path key = this.layout.toolCalls().resolve(keyName(parent, callId));
		try (Delegation.Admission admitted = this.delegation.admit(request.parent())) {
			Optional<TaskId> made = madeFor(key);
			if (made.isEmpty()) {
				TaskDocument document = validate(request);
				TaskId id = this.ids.next();
				Files.createDirectories(key.getParent());
				try {
					this.files.publishNew(key, id.text().getBytes(StandardCharsets.UTF_8));
					return publish(id, document);
				}
				catch (FileAlreadyExistsException ex) {
					// The same call made at the same moment by another process: its task is the one.
					made = madeFor(key);
				}
			}
			TaskId id = made.orElseThrow(() -> new UncheckedIOException(new IOException(key + " names no task")));
			Optional<Task> existing = findOrLookFor(id);
			return existing.isPresent() ? existing.get() : publish(id, validate(request));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write the task file: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The task a model's tool call made through {@link #createOnce}, if it made one: a call run again finds it.
	 * @throws UncheckedIOException if the call's key cannot be read or holds no task id
	 */
	public Optional<TaskId> madeBy(TaskId parent, String callId) {
		try {
			return madeFor(this.layout.toolCalls().resolve(keyName(parent, callId)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not read what the call made: " + ex.getMessage(), ex);
		}
	}

	private static Optional<TaskId> madeFor(Path key) throws IOException {
		byte[] bytes;
		try {
			bytes = SharedFile.readRegular(key, 64);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		Optional<TaskId> id = TaskId.parse(new String(bytes, StandardCharsets.UTF_8).strip());
		if (id.isEmpty()) {
			throw new IOException(key + " does not hold a task id");
		}
		return id;
	}

	/** The file that keys a call: the parent's id and a hash of the model's call id, which may be any text. */
	static String keyName(TaskId parent, String callId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(callId.getBytes(StandardCharsets.UTF_8));
			return parent.text() + "." + HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Reserves ids for tasks that are created together, such as a pipeline's stages, so that each may name the others
	 * before any is published; each reservation is flushed before its id is handed out.
	 */
	public List<TaskId> reserve(int count) {
		List<TaskId> reserved = new ArrayList<>();
		try {
			for (int i = 0; i < count; i++) {
				reserved.add(this.ids.next());
			}
			return reserved;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not reserve task ids: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reserves a name of a feature's own (a pipeline id) the way task ids are reserved: the first free one from a
	 * number up, by an exclusive create in the feature's folder of reservations, flushed before it is handed out.
	 */
	public String reserveName(Path folder, long from, LongFunction<String> naming) {
		try {
			return this.ids.reserve(folder, from, naming);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not reserve a name in " + folder + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Creates a pending task under an id from {@link #reserve}. It may depend on tasks of its group that are not
	 * published yet: a group is published so that none of it may start before all of it exists.
	 * @param group the ids reserved together with this one
	 * @throws InvalidTaskException if the request is invalid; nothing is written
	 */
	public Task create(TaskId reserved, NewTask request, Collection<TaskId> group) {
		try (Delegation.Admission admitted = this.delegation.admit(request.parent())) {
			TaskDocument document = validate(request, group);
			return publish(reserved, document);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write the task file: " + ex.getMessage(), ex);
		}
	}

	private Task publish(TaskId id, TaskDocument document) throws IOException {
		this.taskFiles.publish(this.ids, TaskFile.pending(id), document.render().getBytes(StandardCharsets.UTF_8));
		// Another process may have claimed it already, renaming the file before the index read it.
		return findOrLookFor(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/** The task as the index knows it, or as its files say now when the index has not seen them yet. */
	private Optional<Task> findOrLookFor(TaskId id) {
		return this.index.find(id).or(() -> {
			this.index.lookFor(id);
			return this.index.find(id);
		});
	}

	/** Checks a new task as {@link #create} would, without writing anything: a pipeline checks every stage first. */
	public TaskDocument validate(NewTask request) {
		return validate(request, Set.of());
	}

	private TaskDocument validate(NewTask request, Collection<TaskId> group) {
		if (request.prompt() == null || request.prompt().isBlank()) {
			throw new InvalidTaskException("the prompt is missing or empty");
		}
		long size = request.prompt().getBytes(StandardCharsets.UTF_8).length;
		if (size > this.maxPromptBytes) {
			throw new PromptTooLargeException(size, this.maxPromptBytes);
		}
		if (request.agent() != null) {
			AgentNames.require(request.agent());
		}
		if (request.role() != null && !TaskDocument.isRole(request.role())) {
			throw new InvalidTaskException("role '" + request.role()
					+ "' is not a role: letters, digits, spaces, _ . and -, at most 64");
		}
		if (request.title() != null && request.title().length() > TaskDocument.MAX_TITLE_LENGTH) {
			throw new InvalidTaskException(
					"the title is longer than " + TaskDocument.MAX_TITLE_LENGTH + " characters");
		}
		List<Task> dependsOn = new ArrayList<>();
		for (TaskId dependency : request.dependsOn()) {
			if (group.contains(dependency)) {
				// Published with it; what it depends on is checked when it is.
				continue;
			}
			dependsOn.add(this.index.find(dependency)
				.orElseThrow(() -> new InvalidTaskException("depends on " + dependency + ", which does not exist")));
		}
		Dependencies dependencies = this.index.dependencies();
		// Before the cycle check, which says "never": a chain too deep would run once the tasks below it are done.
		dependencies.depthProblem(request.dependsOn()).ifPresent((problem) -> {
			throw new InvalidTaskException(problem);
		});
		for (Task dependency : dependsOn) {
			dependencies.problem(dependency).ifPresent((problem) -> {
				throw new InvalidTaskException("depends on " + dependency.id() + ", which " + problem
						+ ", so it would never run");
			});
		}
		if (request.retryOf() != null && this.index.find(request.retryOf()).isEmpty()) {
			throw new InvalidTaskException("reworks " + request.retryOf() + ", which does not exist");
		}
		if (request.parent() != null) {
			this.delegation.check(request.parent());
		}
		String title = (request.title() == null || request.title().isBlank()) ? null : request.title().strip();
		return new TaskDocument(title, request.agent(), request.role(), request.kind(), request.priority(),
				request.dependsOn(), request.maxAttempts(), this.clock.instant(), request.retryOf(), request.pipeline(),
				request.goal(), request.budgetTokens(), request.parent(), request.prompt().strip(), null, request.review());
	}

	/**
	 * Claims a pending task for an agent by renaming its file, or takes back a task that waits for this agent.
	 * @return the claim, or empty when another agent renamed it first or another slot of this process is claiming it
	 */
	public Optional<Claim> claim(Task task, String agent) {
		TaskFile pending = task.file();
		boolean open = pending.state() == TaskState.PENDING
				|| (pending.state() == TaskState.WAITING && pending.owner().equals(agent));
		if (!open) {
			return Optional.empty();
		}
		if (!this.claiming.add(pending.id())) {
			return Optional.empty();
		}
		try {
			// Moved since the caller looked (the index knows this process's own moves at once): nothing to rename.
			if (this.index.find(pending.id()).filter((known) -> !known.file().equals(pending)).isPresent()) {
				return Optional.empty();
			}
			return claimNow(pending, agent);
		}
		finally {
			this.claiming.remove(pending.id());
		}
	}

	private Optional<Claim> claimNow(TaskFile pending, String agent) {
		TaskFile claimed = pending.to(TaskState.IN_PROGRESS, AgentNames.require(agent));
		Instant now = this.clock.instant();
		if (!rename(pending, claimed, () -> this.taskFiles.claim(pending, claimed))) {
			return Optional.empty();
		}
		try {
			synchronized (stamping(claimed.id())) {
				return Optional.of(new Claim(claimed, now, stamp(claimed)));
			}
		}
		catch (NoSuchFileException ex) {
			// Cancelled or taken back in the instant after the rename.
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not stamp " + claimed + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Sets a claim file's modification time to a value of its own and returns it as the filesystem keeps it. A
	 * heartbeat changes it, and whoever holds the claim can tell its own stamp from another slot's.
	 */
	private FileTime stamp(TaskFile claimed) throws IOException {
		Instant unique = this.clock.instant().plusNanos(ThreadLocalRandom.current().nextInt(1, 1_000_000));
		// Stamped and read back through one descriptor: tasks/ is shared, and a link or a pipe put in the claim's
		// place must neither be followed nor keep the heartbeat waiting.
		try (SharedFile file = SharedFile.openRegular(this.layout.task(claimed))) {
			file.setModified(unique);
			return FileTime.from(file.restat().modified());
		}
		catch (SharedFile.RefusedFileException ex) {
			throw new NoSuchFileException(ex.getFile(), null, "the claim's file " + ex.getReason());
		}
	}

	/**
	 * What a task's claim stamps and the looks at them take in turn, in this process: a heartbeat of a claim that its
	 * agent has just given back, and that agent's next claim of the same task (the same file name), would otherwise
	 * interleave, the old claim's look finding the file renamed back but not yet stamped, and its stamp landing after
	 * the new claim's, which then seemed lost; nor is a claim's own look made between a heartbeat's stamp and the claim
	 * learning of it.
	 */
	private Object stamping(TaskId id) {
		return this.stamping[Math.floorMod(id.hashCode(), this.stamping.length)];
	}

	/** Whether the claim's file still carries the claim's own stamp; false once it moved or was claimed again. */
	private boolean stillHeld(Claim claim) {
		synchronized (stamping(claim.id())) {
			try {
				return Files.getLastModifiedTime(this.layout.task(claim.file()), LinkOption.NOFOLLOW_LINKS)
					.equals(claim.stamp());
			}
			catch (IOException ex) {
				return false;
			}
		}
	}

	/**
	 * Shows the claim is alive by touching its file; a claim whose file is gone was taken back or cancelled.
	 * @return false when the claim is lost
	 */
	public boolean heartbeat(Claim claim) {
		try {
			synchronized (stamping(claim.id())) {
				if (!stillHeld(claim)) {
					return false;
				}
				claim.restamp(stamp(claim.file()));
				return true;
			}
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			logger.warn("Could not touch " + claim.file() + ": " + ex.getMessage());
			return true;
		}
	}

	/** When a claim's file was last touched, or empty when it has moved; compare only with itself. */
	public Optional<FileTime> lastTouched(TaskFile inProgress) {
		try {
			return Optional.of(Files.getLastModifiedTime(this.layout.task(inProgress), LinkOption.NOFOLLOW_LINKS));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Publishes an answer. The answer is staged first, the rename to done is the commit, and only then is the output
	 * linked into place, so an agent whose claim was taken back publishes nothing. A task whose front matter says
	 * {@code review: true} goes to review instead of done.
	 * @return false when the claim was lost; nothing was published
	 */
	public boolean complete(Claim claim, Answer answer) {
		return complete(claim, answer, false);
	}

	/**
	 * Publishes an answer, as {@link #complete(Claim, Answer)} does, to review rather than done when the task or the
	 * agent asks for it: the answer is in {@code outputs/}, but the task waits for a person to approve or reject it.
	 * @param agentReviews whether the answering agent's definition says {@code review: true}
	 * @return false when the claim was lost; nothing was published
	 */
	public boolean complete(Claim claim, Answer answer, boolean agentReviews) {
		try {
			Instant finished = this.clock.instant();
			// recorded: the DONE record is this agent's to write, after the link; a result without it is an outside
			// agent's, whose record Spool makes from the header (OutsideAnswers).
			ResultHeader header = ResultHeader.recorded(claim.agent(), claim.startedAt(), finished, answer.model(),
					answer.offline(), answer.tokens());
			String result = header.prepend(answer.text());
			boolean review = agentReviews || this.index.find(claim.id())
				.map((task) -> task.document().review() && task.document().kind() == TaskDocument.Kind.TASK)
				.orElse(false);
			Path staged = this.staged.stage(claim, result);
			TaskFile done = claim.file().to(review ? TaskState.REVIEW : TaskState.DONE, null);
			if (!stillHeld(claim)) {
				Files.deleteIfExists(staged);
				return false;
			}
			this.index.ownMoveStarts(claim.id());
			try {
				boolean renamed = moveUntold(Actor.AGENT, claim.file(), done);
				if (!renamed && !this.staged.committedButUnpublished(claim.id())) {
					this.index.moved(claim.file(), done, false);
					Files.deleteIfExists(staged);
					return false;
				}
				publish(claim, done, renamed, staged, header, new Attempt(0, Attempt.Outcome.DONE, claim.agent(),
						claim.startedAt(), finished, null, answer.model(), answer.offline(), answer.tokens(), null,
						null, null, review, null));
				return true;
			}
			finally {
				this.index.ownMoveEnded(claim.id());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not publish the answer to " + claim.id() + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Links a committed answer into {@code outputs/} and writes its record, then tells the index of the rename, the
	 * result and the record in one change, as written: none is read back. A result found there already is someone
	 * else's, whose event may have been passed over meanwhile, and a record that could not be written leaves the
	 * history to the files: the task is read again.
	 */
	private void publish(Claim claim, TaskFile done, boolean renamed, Path staged, ResultHeader header,
			Attempt record) throws IOException {
		TaskId id = claim.id();
		this.index.publishingOutput(id, header);
		boolean ours;
		Attempt written = record;
		try {
			StagedAnswers.Publication publication = this.staged.publish(id, staged);
			ours = publication == StagedAnswers.Publication.LINKED;
			if (publication == StagedAnswers.Publication.KEPT_ANOTHERS) {
				// The result's header says who finished the task; the record, that this attempt's answer is not it.
				written = record.asUnpublished();
			}
			if (!ours) {
				this.index.outputPublished(id);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.index.outputPublished(id);
			this.index.moved(claim.file(), done, false);
			throw ex;
		}
		try {
			if (renamed) {
				// A DONE record straight to done is not flushed: the header, flushed with the staged answer before the
				// commit, holds all it says, and OutsideAnswers makes it again from there if a power cut takes it.
				appendAfterMove(claim.file(), done, written, record.review() == null);
			}
			else {
				this.index.moved(claim.file(), done, false);
				appendQuietly(id, written);
			}
		}
		finally {
			this.index.outputPublished(id);
		}
		if (!ours) {
			this.index.refresh(id);
		}
	}

	/**
	 * Records a failed attempt, then returns the task to pending, or to failed once its attempts are used up.
	 * @return the state the task went to, or empty when the claim was lost
	 */
	public Optional<TaskState> fail(Claim claim, String error) {
		return fail(claim, error, null);
	}

	/**
	 * Records a failed attempt with the tokens it used, then returns the task to pending, or to failed once its
	 * attempts are used up.
	 * @param tokens what the attempt used, reported or estimated, or null when nothing is known
	 * @return the state the task went to, or empty when the claim was lost
	 */
	public Optional<TaskState> fail(Claim claim, String error, TokenUsage tokens) {
		if (!stillHeld(claim)) {
			return Optional.empty();
		}
		return giveBack(Actor.AGENT, claim.file(), Attempt.Outcome.ERROR, claim.startedAt(), error, tokens);
	}

	/**
	 * Records a failed attempt and fails the task at once, whatever attempts it has left: for a goal whose final
	 * task failed, which another attempt cannot mend.
	 * @return false when the claim was lost
	 */
	public boolean giveUp(Claim claim, String error) {
		return giveUp(claim, error, null);
	}

	/**
	 * Records a failed attempt with the tokens it used and fails the task at once, whatever attempts it has left: for
	 * a task stopped because it spent its token budget.
	 * @return false when the claim was lost
	 */
	public boolean giveUp(Claim claim, String error, TokenUsage tokens) {
		return stillHeld(claim) && moveAndRecord(Actor.AGENT, claim.file(), claim.file().to(TaskState.FAILED, null),
				new Attempt(0, Attempt.Outcome.ERROR, claim.agent(), claim.startedAt(), this.clock.instant(), error,
						null, null, tokens));
	}

	/**
	 * Records what one of the orchestrator's calls for a goal's plan used, in a {@code PLANNED} record that is not an
	 * attempt. Written whether or not the claim is still held: the tokens were spent either way.
	 * @param tokens what the model reported, or an estimate
	 */
	public void planned(Claim claim, Instant startedAt, String model, boolean offline, TokenUsage tokens) {
		appendQuietly(claim.id(), new Attempt(0, Attempt.Outcome.PLANNED, claim.agent(), startedAt,
				this.clock.instant(), null, model, offline, tokens));
	}

	/**
	 * Records what an attempt used until it was cut short (its claim taken from it, or Spool stopping under it), in a
	 * {@code CUT_SHORT} record that is not an attempt. Written whether or not the claim is still held: the tokens were
	 * spent either way.
	 * @param reason why it was cut short
	 * @param model the model it asked, or null when unknown
	 * @param tokens what it used until then, or null when nothing counted them
	 */
	public void cutShort(Claim claim, String reason, String model, TokenUsage tokens) {
		appendQuietly(claim.id(), new Attempt(0, Attempt.Outcome.CUT_SHORT, claim.agent(), claim.startedAt(),
				this.clock.instant(), reason, model, null, tokens));
	}

	/**
	 * Puts a claimed task aside until other tasks have ended: the in-progress file is renamed to waiting under the same
	 * agent, which alone takes it again, and a {@code WAITED} record (not an attempt) names the tasks and carries what
	 * the attempt used.
	 * @param tasks what it waits for, as the agent recorded it where it resumes from
	 * @return false when the claim was already lost
	 */
	public boolean putAside(Claim claim, Collection<TaskId> tasks, TokenUsage tokens) {
		return stillHeld(claim) && moveAndRecord(Actor.AGENT, claim.file(),
				claim.file().to(TaskState.WAITING, claim.agent()),
				new Attempt(0, Attempt.Outcome.WAITED, claim.agent(), claim.startedAt(), this.clock.instant(),
						"waits for " + String.join(", ", tasks.stream().sorted().map(TaskId::text).toList()), null,
						null, tokens));
	}

	/**
	 * Hands an unfinished claim back to pending without counting an attempt, as an orderly stop of Spool does.
	 * @return false when the claim was already lost
	 */
	public boolean release(Claim claim) {
		return stillHeld(claim) && move(Actor.AGENT, claim.file(), claim.file().to(TaskState.PENDING, null));
	}

	/**
	 * Hands a claim back to pending without counting an attempt, because the attempt failed through no fault of its
	 * own (the fifo stage it read from broke off); a {@code RESTARTED} record says why.
	 * @return false when the claim was already lost
	 */
	public boolean restart(Claim claim, String reason) {
		return stillHeld(claim) && moveAndRecord(Actor.AGENT, claim.file(), claim.file().to(TaskState.PENDING, null),
				new Attempt(0, Attempt.Outcome.RESTARTED, claim.agent(), claim.startedAt(), this.clock.instant(),
						reason, null, null, null));
	}

	/**
	 * Takes back a claim whose heartbeat went quiet: exactly this in-progress file is renamed, so an agent that is
	 * only late finds its claim gone when it tries to complete.
	 * @return the state the task went to, or empty when the file had already moved or still has its pending name too
	 */
	public Optional<TaskState> requeueStale(TaskFile inProgress, String reason) {
		// A claim whose pending name is still there is a link-and-unlink claim (a shell agent's) that stopped between
		// its two steps: one file, two names. It is left to repairInterruptedMoves, which keeps the claim once the
		// names have been still for a minute; stamped here at every sweep, the file's change time never got that old,
		// and the task stayed stuck with both names.
		if (SharedFile.exists(this.layout.task(inProgress.to(TaskState.PENDING, null)))) {
			return Optional.empty();
		}
		unstamp(inProgress);
		return giveBack(Actor.RECOVERY, inProgress, Attempt.Outcome.STALE, null, reason, null);
	}

	/**
	 * Gives a claim's file a stamp of Spool's own before it is taken back. A rename keeps the modification time, so
	 * without this the late holder's stamp would still be on the file when an agent of the same name claims it again,
	 * until that agent stamps it: a late holder that checked its stamp in that moment would commit the new claim.
	 */
	private void unstamp(TaskFile inProgress) {
		try {
			stamp(inProgress);
		}
		catch (IOException ex) {
			// Gone already (completed, cancelled, taken back): the rename that follows finds so too.
		}
	}

	/**
	 * Takes a claim back at a person's request: exactly this in-progress file goes back to pending, and the attempt
	 * under way is not counted, since nothing went wrong with it.
	 * @return false when the file had already moved
	 */
	public boolean requeue(TaskFile inProgress) {
		unstamp(inProgress);
		return moveAndRecord(Actor.PERSON, inProgress, inProgress.to(TaskState.PENDING, null), new Attempt(0,
				Attempt.Outcome.REQUEUED, inProgress.owner(), null, this.clock.instant(), null, null, null, null));
	}

	private Optional<TaskState> giveBack(Actor actor, TaskFile inProgress, Attempt.Outcome outcome,
			Instant startedAt, String error, TokenUsage tokens) {
		Task task = this.index.find(inProgress.id()).orElse(null);
		// Counted from the records themselves: the index may not have seen a retry another process just recorded.
		int used = Attempt.attemptsSinceRetry(this.log.read(inProgress.id())) + 1;
		Integer own = (task != null) ? task.document().maxAttempts() : null;
		int allowed = (own != null && own > 0) ? own : this.defaultMaxAttempts;
		TaskState next = (used >= allowed) ? TaskState.FAILED : TaskState.PENDING;
		String recorded = (next == TaskState.FAILED) ? error + " (attempt " + used + " of " + allowed + ")" : error;
		return moveAndRecord(actor, inProgress, inProgress.to(next, null), new Attempt(0, outcome,
				inProgress.owner(), startedAt, this.clock.instant(), recorded, null, null, tokens))
			? Optional.of(next) : Optional.empty();
	}

	/**
	 * Renames a task's file and writes the record that follows, and tells the index of both in one change: an agent
	 * of this process that took the task the instant it was offered would otherwise write its own record first, under
	 * the number this one was to have.
	 * @return false when the file had already moved; nothing was recorded
	 */
	private boolean moveAndRecord(Actor actor, TaskFile from, TaskFile to, Attempt record) {
		this.index.ownMoveStarts(from.id());
		try {
			if (!moveUntold(actor, from, to)) {
				this.index.moved(from, to, false);
				return false;
			}
			appendAfterMove(from, to, record);
			return true;
		}
		finally {
			this.index.ownMoveEnded(from.id());
		}
	}

	/**
	 * Writes the record that follows a rename this process made, and tells the index of both in one change; when the
	 * record cannot be written, the index looks at the task's files instead.
	 */
	private void appendAfterMove(TaskFile from, TaskFile to, Attempt record) {
		appendAfterMove(from, to, record, false);
	}

	private void appendAfterMove(TaskFile from, TaskFile to, Attempt record, boolean derivable) {
		AtomicBoolean told = new AtomicBoolean();
		Consumer<Attempt> takeIn = (written) -> {
			this.index.movedAndRecorded(from, to, written);
			told.set(true);
		};
		try {
			if (derivable) {
				this.log.appendUnflushed(to.id(), record, takeIn);
			}
			else {
				this.log.append(to.id(), record, takeIn);
			}
		}
		catch (IOException ex) {
			logger.warn("Could not record the " + record.outcome() + " of " + to.id() + ": " + ex.getMessage());
		}
		finally {
			if (!told.get()) {
				this.index.moved(from, to, false);
				this.index.refresh(to.id());
			}
		}
	}

	/**
	 * Fails a pending task because a task it depends on failed or was cancelled: exactly this pending file is renamed
	 * to failed, and a {@code BLOCKED} record (not an attempt) says why.
	 * @param pending the pending file, as the caller saw it
	 * @param dependency the failed or cancelled dependency
	 * @param reason the error to record, naming the dependency
	 * @return the task after the change, or empty when the file had already moved (claimed, cancelled, failed by
	 * another process)
	 */
	public Optional<Task> failBecauseOfDependency(TaskFile pending, TaskId dependency, String reason) {
		if (pending.state() != TaskState.PENDING || !moveAndRecord(Actor.RECOVERY, pending,
				pending.to(TaskState.FAILED, null), new Attempt(0, Attempt.Outcome.BLOCKED, null, null,
						this.clock.instant(), reason, null, null, null))) {
			return Optional.empty();
		}
		logger.info("Failed " + pending.id() + " with " + dependency + ": " + reason);
		return this.index.find(pending.id());
	}

	/**
	 * Records a failed attempt that an outside agent reported with a failure note, and fails the task once its budget
	 * is spent (its attempts, or its {@code budget_tokens} with the tokens the note reports): the pending file, or the
	 * reporting agent's own claim, is renamed to failed. A task claimed by another agent meanwhile is left alone; the
	 * budget rule applies when that claim is given back.
	 * @param tokens the tokens the note reports, taken or refused (the refusal becomes the record's warning), or null
	 * @return the state the task went to, or empty when it was left where it was
	 */
	Optional<TaskState> recordOutsideFailure(TaskId id, String agent, Instant startedAt, Instant finishedAt,
			String reason, ReportedTokens tokens) {
		Task task = this.index.find(id).orElse(null);
		if (task == null) {
			this.index.lookFor(id);
			task = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
		}
		List<Attempt> history = this.log.read(id);
		TokenUsage used = (tokens != null) ? tokens.usage() : null;
		int attempt = Attempt.attemptsSinceRetry(history) + 1;
		Integer own = task.document().maxAttempts();
		int allowed = (own != null && own > 0) ? own : this.defaultMaxAttempts;
		Long budget = task.document().budgetTokens();
		long spentTokens = Attempt.tokensSinceRetry(history) + ((used != null) ? used.total() : 0);
		boolean overBudget = budget != null && spentTokens >= budget;
		boolean spent = (attempt >= allowed || overBudget) && task.state() != TaskState.FAILED;
		String recorded = !spent ? reason
				: overBudget ? "budget: " + id + " spent " + String.format(Locale.ROOT, "%,d", spentTokens) + " of "
						+ String.format(Locale.ROOT, "%,d", budget) + " tokens (budget_tokens); " + reason
				: reason + " (attempt " + attempt + " of " + allowed + ")";
		List<String> warnings = (tokens != null && tokens.refusal() != null) ? List.of(tokens.refusal()) : null;
		appendQuietly(id, new Attempt(0, Attempt.Outcome.ERROR, agent, startedAt, finishedAt, recorded, null, null,
				used, warnings));
		if (!spent) {
			return Optional.empty();
		}
		TaskFile failed = new TaskFile(id, TaskState.FAILED, null);
		for (TaskFile from : List.of(new TaskFile(id, TaskState.PENDING, null),
				new TaskFile(id, TaskState.IN_PROGRESS, agent))) {
			if (Files.exists(this.layout.task(from), LinkOption.NOFOLLOW_LINKS) && move(Actor.OUTSIDE_AGENT, from, failed)) {
				return Optional.of(TaskState.FAILED);
			}
		}
		return Optional.empty();
	}

	/**
	 * Cancels a pending, in-progress, waiting or in-review task; an agent working on it finds its claim gone and
	 * publishes nothing, and an answer in review is set aside as a rejected one is.
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it has already finished
	 */
	public Task cancel(TaskId id) {
		boolean inReview = this.index.find(id).map((task) -> task.state() == TaskState.REVIEW).orElse(false);
		return inReview ? this.reviews.decide(id, Attempt.Outcome.CANCELLED, null, null)
				: changeByPerson(id, TaskState.CANCELLED, Attempt.Outcome.CANCELLED);
	}

	/**
	 * Approves the answer of a task in review: the task is done, and its dependants and next stage may start.
	 * @param by who approves, as the history shows it
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it is not in review, or someone else decided first (the message says
	 * who); nothing was changed
	 */
	public Task approve(TaskId id, String by) {
		return this.reviews.decide(id, Attempt.Outcome.APPROVED, by, null);
	}

	/**
	 * Rejects the answer of a task in review: the answer is set aside and the task goes back to pending with a fresh
	 * budget of attempts; its next attempt is shown the answer and the note.
	 * @param by who rejects, as the history shows it
	 * @param note what to change, or null
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it is not in review, or someone else decided first (the message says
	 * who); nothing was changed
	 */
	public Task reject(TaskId id, String by, String note) {
		String kept = (note == null || note.isBlank()) ? null : note.strip();
		return this.reviews.decide(id, Attempt.Outcome.REJECTED, by, kept);
	}

	/**
	 * Whether the newest decision on the task's answers is an approval: for a goal with {@code review: true}, that a
	 * person approved the plan it proposed, so its steps may be submitted.
	 */
	public boolean approvedLast(TaskId id) {
		return this.reviews.approvedLast(id);
	}

	/** The answer last rejected and the reviewer's note, while the newest decision on the task is that rejection. */
	public Optional<Rejection> lastRejection(TaskId id) {
		// Only a task whose answer went to review has any; most tasks never look in the folder of decisions.
		boolean reviewed = this.index.find(id)
			.map((task) -> task.history().stream().anyMatch((entry) -> Boolean.TRUE.equals(entry.review())
					|| entry.outcome() == Attempt.Outcome.REJECTED))
			.orElse(false);
		return reviewed ? this.reviews.lastRejection(id) : Optional.empty();
	}

	/**
	 * Sends a failed or cancelled task back to pending with a fresh budget of attempts.
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it is not failed or cancelled
	 */
	public Task retry(TaskId id) {
		return changeByPerson(id, TaskState.PENDING, Attempt.Outcome.RETRIED);
	}

	private Task changeByPerson(TaskId id, TaskState next, Attempt.Outcome outcome) {
		// The file may move under us (an agent claims it); look again a few times before giving up.
		for (int tries = 0; tries < 5; tries++) {
			Task task = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
			TaskState state = task.state();
			// A retry starts a finished task again; taking a claim back is requeue's.
			boolean allowed = Actor.PERSON.may(state, next) && (next != TaskState.PENDING || state.isFinished());
			if (!allowed) {
				throw new TransitionNotAllowedException(
						id + " is " + state.word() + " and cannot be " + describe(next));
			}
			Attempt record = new Attempt(0, outcome, null, null, this.clock.instant(), null, null, null, null);
			// A retry is recorded before the pending file appears, so that no agent can claim the task and count
			// its attempts against the budget the retry is about to reset.
			boolean recordFirst = outcome == Attempt.Outcome.RETRIED;
			if (recordFirst && !retryRecorded(task)) {
				appendQuietly(id, record);
			}
			if (move(Actor.PERSON, task.file(), task.file().to(next, null))) {
				if (!recordFirst) {
					appendQuietly(id, record);
				}
				// The index keeps a task found while it moves, so the task just changed is found.
				return this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
			}
			// Moved where this process did not see it go (another process claimed it): look for it again.
			this.index.lookFor(id);
		}
		throw new TransitionNotAllowedException(id + " kept changing state; try again");
	}

	/** Whether the last record already is a retry, as after an earlier try that lost a race or a crash. */
	private boolean retryRecorded(Task task) {
		List<Attempt> history = this.log.read(task.id());
		return !history.isEmpty() && history.get(history.size() - 1).outcome() == Attempt.Outcome.RETRIED;
	}

	private static String describe(TaskState next) {
		return (next == TaskState.PENDING) ? "retried (only failed or cancelled tasks can)" : "cancelled";
	}

	/** The task's prompt, read from its file through one descriptor (see {@link SharedFile}). */
	public String readPrompt(TaskId id) {
		for (int tries = 0; tries < 5; tries++) {
			Task task = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
			long limit = this.maxPromptBytes + Workspace.TASK_FILE_HEADROOM;
			try {
				byte[] bytes = SharedFile.readRegular(this.layout.task(task.file()), (int) Math.min(limit + 1,
						Integer.MAX_VALUE - 8));
				if (bytes.length > limit) {
					// Flagged by the index, which never offers it; nothing of it is handed to a model.
					return "";
				}
				return TaskDocument.parse(new String(bytes, StandardCharsets.UTF_8)).prompt();
			}
			catch (SharedFile.RefusedFileException ex) {
				return "";
			}
			catch (NoSuchFileException ex) {
				// Renamed since the index saw it (a claim, a completion): look again.
				this.index.lookFor(id);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new TaskNotFoundException(id);
	}

	/** The task's result as a reader is shown it, without the header that says who wrote it, once there is one. */
	public Optional<String> readOutput(TaskId id) {
		return readResult(id).map(ResultHeader.Parsed::text);
	}

	/**
	 * The task's result split into its header (who wrote it, when) and its text, once there is one. Results come from
	 * a folder others may write, so at most {@link #MAX_OUTPUT_BYTES} are read, through one descriptor opened without
	 * following a link or waiting on a pipe; a longer result ends with a note that says it was cut. Anything but a
	 * regular file is no result.
	 */
	public Optional<ResultHeader.Parsed> readResult(TaskId id) {
		return readResult(id, MAX_OUTPUT_BYTES);
	}

	/** The start of a task's result, at most {@code bytes} of its file, header included: for a search or a preview. */
	public Optional<String> readOutputStart(TaskId id, int bytes) {
		return readResult(id, Math.min(bytes, MAX_OUTPUT_BYTES)).map(ResultHeader.Parsed::text);
	}

	private Optional<ResultHeader.Parsed> readResult(TaskId id, int limit) {
		Path output = this.layout.output(id);
		try (SharedFile file = SharedFile.openRegular(output)) {
			byte[] bytes = file.read(limit);
			ResultHeader.Parsed parsed = ResultHeader.parse(new String(bytes, StandardCharsets.UTF_8));
			long size = file.status().size();
			if (limit == MAX_OUTPUT_BYTES && size > MAX_OUTPUT_BYTES) {
				parsed = new ResultHeader.Parsed(parsed.header(), parsed.text() + "\n\n[… cut: the result is " + size
						+ " bytes; Spool reads the first " + MAX_OUTPUT_BYTES + ". The whole of it is in outputs/"
						+ output.getFileName() + "]");
			}
			return Optional.of(parsed);
		}
		catch (NoSuchFileException | SharedFile.RefusedFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Publishes answers a stopped process had committed but not linked; see {@link StagedAnswers#recover()}. */
	void recoverStagedAnswers() throws IOException {
		this.staged.recover().forEach(this.index::refresh);
	}

	/**
	 * Makes the answers published so far last (one flush of {@code outputs/}) and removes their staged copies, now
	 * rather than within {@link StagedAnswers#SETTLE_DELAY}: for tests whose store has no thread to do it.
	 */
	void settlePublished() {
		this.staged.settle();
	}

	/** Settles what was published, as {@link #settlePublished} does, and stops the thread that does so. */
	void close() {
		this.staged.close();
	}

	/**
	 * Finishes moves that a stopped process left half-done a minute or more ago: one task file with two names, as a
	 * link-and-unlink move (a shell agent's, or Spool's where the system has no no-replace rename) leaves when it is
	 * killed between the two. Until then agents leave the task alone.
	 */
	public void repairInterruptedMoves() {
		try {
			Supplier<Instant> now = () -> this.clock.instant().plus(this.files.folderSkew(this.layout.tasks()));
			this.interruptedMoves.repair(now, STALLED_COMMIT);
		}
		catch (IOException ex) {
			logger.warn("Could not look for moves a stopped process left half-done: " + ex.getMessage());
		}
	}

	/**
	 * Publishes answers committed a minute or more ago and still not linked, as after a failed link or folder flush,
	 * or an agent that died between its commit and its link while this process ran.
	 */
	public void publishStalledCommits() {
		try {
			this.staged.recover(STALLED_COMMIT).forEach(this.index::refresh);
		}
		catch (IOException ex) {
			logger.warn("Could not look for committed answers left unpublished: " + ex.getMessage());
		}
	}

	private boolean move(Actor actor, TaskFile from, TaskFile to) {
		return rename(from, to, () -> this.taskFiles.move(actor, from, to));
	}

	/** Renames a task's file as {@link #move} does, leaving the index to be told by the caller. */
	private boolean moveUntold(Actor actor, TaskFile from, TaskFile to) {
		return rename(from, to, () -> this.taskFiles.moveUntold(actor, from, to));
	}

	private static boolean rename(TaskFile from, TaskFile to, TaskFiles.Rename rename) {
		try {
			return rename.run();
		}
		catch (FileAlreadyExistsException ex) {
			logger.warn("Not moving " + from + ": " + to + " already exists (two files share one id)");
			return false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not rename " + from + " to " + to + ": " + ex.getMessage(), ex);
		}
	}


	private void appendQuietly(TaskId id, Attempt attempt) {
		try {
			this.log.append(id, attempt, (recorded) -> this.index.recorded(id, recorded));
		}
		catch (IOException ex) {
			logger.warn("Could not record the " + attempt.outcome() + " of " + id + ": " + ex.getMessage());
			this.index.refresh(id);
		}
	}

}
