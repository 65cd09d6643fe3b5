package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Answers waiting in {@code .spool/staging/} for their task's commit. An answer is staged before the rename to done
 * and linked into {@code outputs/} after it, so an agent whose claim was lost publishes nothing; an answer whose
 * process died between the commit and the link is published when the workspace is next opened.
 */
final class StagedAnswers {

	/** How long a staged answer whose claim was lost may stay before a newly opened workspace removes it. */
	static final Duration GRACE = Duration.ofHours(1);

	private static final Log logger = LogFactory.getLog(StagedAnswers.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final Clock clock;

	StagedAnswers(WorkspaceLayout layout, AtomicFiles files, Clock clock) {
		this.layout = layout;
		this.files = files;
		this.clock = clock;
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
	 * @return whether this answer is the one in {@code outputs/} now: false when a result was there already (kept),
	 * or another process published this one first
	 */
	boolean publish(TaskId id, Path staged) throws IOException {
		Path output = this.layout.output(id);
		try {
			this.files.relink(staged, output);
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			logger.warn("Kept the existing " + output + "; this attempt's answer stays in " + staged);
			return false;
		}
		catch (NoSuchFileException ex) {
			// Another process opening the workspace published this committed answer first.
			if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
				throw ex;
			}
			return false;
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

	private static FileTime modified(Path path) {
		try {
			return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

}
