package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Task files left with two names by a move that stopped between linking its new name and unlinking the old, as only
 * the link-and-unlink fallback of {@link AtomicFiles#move} can: the name that a legal transition leads to is kept.
 */
final class InterruptedMoves {

	private static final Log logger = LogFactory.getLog(InterruptedMoves.class);

	private final WorkspaceLayout layout;

	private final TaskFiles taskFiles;

	/** The time of {@code tasks/} as the listings saw it, to skip a listing that could find nothing new. */
	private final FolderTimes times;

	/** Whether the last listing found names sharing an id, which a later repair may remove once they are old. */
	private boolean namesLeft = true;

	InterruptedMoves(WorkspaceLayout layout, TaskFiles taskFiles) {
		this(layout, taskFiles, System::nanoTime);
	}

	InterruptedMoves(WorkspaceLayout layout, TaskFiles taskFiles, LongSupplier nanoTime) {
		this.layout = layout;
		this.taskFiles = taskFiles;
		this.times = new FolderTimes(List.of(layout.tasks()), nanoTime);
	}

	/**
	 * Removes the earlier of two names that one task file has, when its names last changed {@code olderThan} ago or
	 * more: a move still running in another process holds both for an instant only. Two files that merely share an
	 * id, or two names no legal transition joins, are left for a person.
	 * <p>
	 * {@code tasks/} is listed again only when its time says a name may have come, gone or changed since a listing
	 * that found no two names sharing an id: a listing of a quiet workspace of 100,000 tasks every rescan interval
	 * cost, with the manifest's comparison, a steady fifth of a core for nothing.
	 * @param now the time by the clock that stamps {@code tasks/}, asked only when two names share an id
	 * @return the names removed
	 */
	synchronized List<String> repair(Supplier<Instant> now, Duration olderThan) throws IOException {
		List<String> removed = new ArrayList<>();
		if (!this.namesLeft && this.times.unchangedSinceConfirmed()) {
			return removed;
		}
		this.times.listingStarts();
		Map<TaskId, List<TaskFile>> sharing = namesSharingAnId();
		this.namesLeft = !sharing.isEmpty();
		if (sharing.isEmpty()) {
			return removed;
		}
		Instant cutoff = now.get().minus(olderThan);
		for (List<TaskFile> names : sharing.values()) {
			for (int i = 0; i < names.size(); i++) {
				for (int j = i + 1; j < names.size(); j++) {
					TaskFile first = names.get(i);
					TaskFile second = names.get(j);
					TaskFile earlier = earlier(first, second);
					TaskFile kept = (earlier == first) ? second : first;
					if (earlier != null && sameFileChangedBefore(first, second, cutoff)
							&& this.taskFiles.finishMove(earlier, kept)) {
						logger.warn("Removed " + earlier + ", a second name of " + kept + " left by a stopped move");
						removed.add(earlier.fileName());
					}
				}
			}
		}
		return removed;
	}

	/**
	 * Which of two names of one file to remove, or null when no legal transition leads from one to the other.
	 * Between pending and in progress, cancelled or failed, either way is legal; the other one is kept, as if the
	 * claim, the cancel or the failure with a dependency had finished, or the requeue or retry had not begun. These
	 * are states the protocol already recovers from: the sweep takes back a claim whose agent is gone, and a person
	 * can retry again. Between in progress and waiting, the waiting name is kept.
	 */
	static TaskFile earlier(TaskFile a, TaskFile b) {
		boolean forward = a.state().canTransitionTo(b.state());
		boolean backward = b.state().canTransitionTo(a.state());
		if (forward && backward && (a.state() == TaskState.WAITING || b.state() == TaskState.WAITING)) {
			// The agent's own claim and its task put aside: it waits, as if the put-aside had finished or the resume
			// had not begun, and is resumed once what it waits for has ended.
			return (a.state() == TaskState.WAITING) ? b : a;
		}
		if (forward && backward) {
			return (a.state() == TaskState.PENDING) ? a : b;
		}
		return forward ? a : (backward ? b : null);
	}

	private Map<TaskId, List<TaskFile>> namesSharingAnId() throws IOException {
		// Each id's first name alone is kept while listing, and the few ids with more are sorted after: at 100,000
		// tasks a sorted map of a list an id cost a tenth of a second of the start.
		Map<TaskId, TaskFile> first = new HashMap<>();
		Map<TaskId, List<TaskFile>> byId = new TreeMap<>();
		FolderNames.forEach(this.layout.tasks(), (name) -> TaskFile.parse(name).ifPresent((file) -> {
			TaskFile earlier = first.putIfAbsent(file.id(), file);
			if (earlier != null) {
				byId.computeIfAbsent(file.id(), (id) -> new ArrayList<>(List.of(earlier))).add(file);
			}
		}));
		return byId;
	}

	private boolean sameFileChangedBefore(TaskFile a, TaskFile b, Instant cutoff) {
		Path first = this.layout.task(a);
		try {
			return sameRegularFile(first, this.layout.task(b)) && changed(first).toInstant().isBefore(cutoff);
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			logger.warn("Could not compare " + a + " with " + b + ": " + ex.getMessage());
			return false;
		}
	}

	/**
	 * Whether two names name one regular file, neither of them a link: a link planted beside a task file is not a
	 * second name of it. Where the system gives no identity (no native calls), both being regular files, Java compares
	 * them.
	 */
	private static boolean sameRegularFile(Path first, Path second) throws IOException {
		Optional<SharedFile.Status> one = SharedFile.statusAt(first);
		Optional<SharedFile.Status> other = SharedFile.statusAt(second);
		if (one.isEmpty() || other.isEmpty() || one.get().kind() != SharedFile.Kind.REGULAR
				|| other.get().kind() != SharedFile.Kind.REGULAR) {
			return false;
		}
		return (one.get().identity() != null) ? one.get().identity().equals(other.get().identity())
				: Files.isSameFile(first, second);
	}

	/** When the file's names last changed: its status change time where the system keeps one. */
	private static FileTime changed(Path file) throws IOException {
		try {
			return (FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
		}
		catch (UnsupportedOperationException | IllegalArgumentException ex) {
			return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
		}
	}

}
