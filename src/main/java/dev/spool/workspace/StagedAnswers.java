package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Answers waiting in {@code .spool/staging/} for their task's commit. An answer is staged before the rename to done
 * and linked into {@code outputs/} after it, so an agent whose claim was lost publishes nothing; an answer whose
 * process died between the commit and the link is published when the workspace is next opened.
 * <p>
 * The link into {@code outputs/} is not flushed by the agent that makes it: its staged name, flushed before the
 * commit, is the answer's durable copy until a flush of {@code outputs/} that began after the link has ended. Links
 * are flushed in batches, one flush of {@code outputs/} for all made in the last {@link #SETTLE_DELAY}, on a thread of
 * their own, and only then are their staged names removed; a workspace that closes flushes what is left.
 */
final class StagedAnswers {

	/** How long a staged answer whose claim was lost may stay before a newly opened workspace removes it. */
	static final Duration GRACE = Duration.ofHours(1);

	/** How long links into {@code outputs/} gather before one flush makes them all last. */
	static final Duration SETTLE_DELAY = Duration.ofMillis(20);

	private static final Log logger = LogFactory.getLog(StagedAnswers.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final Clock clock;

	/** Staged answers whose link into {@code outputs/} was made and not yet flushed, oldest first. */
	private final Queue<Path> linked = new ConcurrentLinkedQueue<>();

	/** Whether a flush of the links in {@link #linked} is due; set by the link that finds none due. */
	private final AtomicBoolean settleDue = new AtomicBoolean();

	/** How long links gather before they are flushed, or null when they are flushed only at {@link #settle}. */
	private final Duration settleDelay;

	/** Runs the flushes of links; its one thread ends when idle, and starts again with the next link. */
	private final ScheduledThreadPoolExecutor settler;

	/**
	 * @param settleDelay how long links into {@code outputs/} gather before one flush makes them last; null for tests
	 * that follow every call: then only {@link #settle} flushes them
	 */
	StagedAnswers(WorkspaceLayout layout, AtomicFiles files, Clock clock, Duration settleDelay) {
		this.layout = layout;
		this.files = files;
		this.clock = clock;
		this.settleDelay = settleDelay;
		this.settler = IdleEndingScheduler.named("spool-outputs", Duration.ofSeconds(1));
	}

	Path stage(Claim claim, String answer) throws IOException {
		Path staged = this.layout.staging()
			.resolve(claim.id().text() + "." + claim.agent() + "." + UUID.randomUUID() + ".md");
		try {
			this.files.publishNew(staged, answer.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// A flush that failed after the link leaves a staged answer that will never be committed.
			Files.deleteIfExists(staged);
			throw ex;
		}
		return staged;
	}

	/**
	 * Links a staged answer into {@code outputs/}, never over an existing result, and removes it from staging once
	 * the link is flushed, so that a power cut never loses both.
	 * @return what became of it
	 */
	Publication publish(TaskId id, Path staged) throws IOException {
		Path output = this.layout.output(id);
		try {
			this.files.linkUnflushed(staged, output);
			removeOnceFlushed(staged);
			return Publication.LINKED;
		}
		catch (FileAlreadyExistsException ex) {
			logger.warn("Kept the existing " + output + "; this attempt's answer stays in " + staged);
			return Publication.KEPT_ANOTHERS;
		}
		catch (NoSuchFileException ex) {
			// Another process opening the workspace published this committed answer first.
			if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			return Publication.LINKED_BY_ANOTHER;
		}
	}

	/** What became of a staged answer when it was published. */
	enum Publication {

		/** Linked into {@code outputs/}. */
		LINKED,
		/** Linked first by another process opening the workspace: the result in {@code outputs/} is this answer. */
		LINKED_BY_ANOTHER,
		/** A result was there already, another's, and was kept: this answer stays in staging. */
		KEPT_ANOTHERS

	}

	/**
	 * Removes a staged answer, linked into {@code outputs/}, once a flush of {@code outputs/} that began after the link
	 * has ended: at once without {@code fsync}, else within the settle delay and a flush.
	 */
	private void removeOnceFlushed(Path staged) {
		if (!this.files.flushes()) {
			remove(List.of(staged));
			return;
		}
		this.linked.add(staged);
		if (this.settleDelay != null && this.settleDue.compareAndSet(false, true)) {
			try {
				this.settler.schedule(this::settle, this.settleDelay.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// Closed: the workspace is closing, and settles what is left on this thread.
				settle();
			}
		}
	}

	/**
	 * Flushes {@code outputs/} once for every link made before, then removes those links' staged names. A flush that
	 * fails is not tried again: the staged names stay, as the answers' copies, until {@link #recover} finds them.
	 */
	void settle() {
		// Cleared before the batch is taken: a link added after this schedules the next flush.
		this.settleDue.set(false);
		List<Path> batch = new ArrayList<>();
		for (Path staged = this.linked.poll(); staged != null; staged = this.linked.poll()) {
			batch.add(staged);
		}
		if (batch.isEmpty()) {
			return;
		}
		try {
			this.files.flushFolder(this.layout.outputs());
		}
		catch (IOException ex) {
			logger.warn("Could not flush " + this.layout.outputs() + " to disk, so the staged copies of "
					+ batch.size() + " answers stay in " + this.layout.staging() + ": " + ex.getMessage());
			return;
		}
		remove(batch);
	}

	/** Flushes the links made so far, removes their staged names, and stops the thread that does so. */
	void close() {
		this.settler.shutdown();
		settle();
	}

	private void remove(List<Path> staged) {
		for (Path path : staged) {
			try {
				this.files.deleteIfExists(path);
			}
			catch (IOException ex) {
				logger.warn("Could not remove the staged copy " + path + " of a published answer: " + ex.getMessage());
			}
		}
	}

	/**
	 * Whether a task is done or in review but its answer not yet linked: after a crash between the two, or when a
	 * completing rename reported failure although it happened (a retransmitted RENAME on NFS).
	 */
	boolean committedButUnpublished(TaskId id) {
		boolean committed = Files.exists(this.layout.task(new TaskFile(id, TaskState.DONE, null)),
				LinkOption.NOFOLLOW_LINKS)
				|| Files.exists(this.layout.task(new TaskFile(id, TaskState.REVIEW, null)), LinkOption.NOFOLLOW_LINKS);
		return committed && !Files.exists(this.layout.output(id), LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * Publishes answers that were committed but not yet linked when a process died, and removes staged answers of
	 * lost claims once they are older than {@link #GRACE}. Decides from the files, not an index, since other
	 * processes may be completing tasks right now.
	 * @return the tasks whose answers were published
	 */
	List<TaskId> recover() throws IOException {
		return recover(Duration.ZERO);
	}

	/**
	 * Like {@link #recover()}, but leaves alone answers staged less than {@code minimumAge} ago, whose agents may be
	 * between their commit and their link right now: for a running workspace, where a commit whose link failed would
	 * otherwise wait for the next start.
	 */
	List<TaskId> recover(Duration minimumAge) throws IOException {
		List<TaskId> published = new ArrayList<>();
		List<Path> staged = list(null);
		if (staged.isEmpty()) {
			return published;
		}
		// Ages by the clock that stamped the files, which on a network filesystem is the server's, not this host's.
		Instant now = this.clock.instant().plus(this.files.folderSkew(this.layout.staging()));
		Instant expired = now.minus(GRACE);
		Instant settled = now.minus(minimumAge);
		for (Path path : staged) {
			String name = path.getFileName().toString();
			Optional<TaskId> id = TaskId.parse(name.substring(0, Math.max(name.indexOf('.'), 0)));
			if (id.isEmpty() || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			boolean oldEnough = minimumAge.isZero() || !modified(path).toInstant().isAfter(settled);
			if (committedButUnpublished(id.get()) && oldEnough) {
				// Look again: the committing agent may have staged its answer after the first listing.
				Path newest = list(id.get()).stream().findFirst().orElse(path);
				logger.info("Publishing the answer to " + id.get() + " that a stopped process had committed");
				publish(id.get(), newest);
				published.add(id.get());
			}
			else if (minimumAge.isZero() && isPublished(id.get(), path)) {
				// Linked into outputs/ by a process that stopped before that link was flushed.
				removeOnceFlushed(path);
			}
			else if (modified(path).toInstant().isBefore(expired)) {
				Files.deleteIfExists(path);
			}
		}
		return published;
	}

	/** Staged answers, newest first; of one task, or of all when {@code id} is null. */
	private List<Path> list(TaskId id) throws IOException {
		String prefix = (id != null) ? id.text() + "." : "";
		try (Stream<Path> stream = Files.list(this.layout.staging())) {
			return stream
				.filter((path) -> path.getFileName().toString().startsWith(prefix)
						&& path.getFileName().toString().endsWith(".md"))
				.sorted(Comparator.comparing(StagedAnswers::modified).reversed())
				.toList();
		}
	}

	/** Whether a staged answer is the task's output: the same file under both names, neither a link. */
	private boolean isPublished(TaskId id, Path staged) {
		try {
			Object output = Files.readAttributes(this.layout.output(id), BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS).fileKey();
			return output != null && output.equals(Files.readAttributes(staged, BasicFileAttributes.class,
					LinkOption.NOFOLLOW_LINKS).fileKey());
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static FileTime modified(Path path) {
		try {
			return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

}
