package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import tools.jackson.core.JacksonException;

/**
 * A person's decisions on answers in review. Each answer in review is decided once: the decider first creates
 * {@code .spool/reviews/<id>.<key>.json} exclusively, where the key is drawn from the answer's file, then renames the
 * task file; whoever finds the decision already made is told who made it. An answer that is not approved is set aside
 * as {@code .spool/reviews/<id>.<key>.md} before the task leaves review, so the next attempt can publish its own and
 * be shown the old one. A task file renamed out of review by hand is decided the same way, by {@code outside}.
 */
final class Reviews {

	/** Who decides when a person renames a task file out of review at a shell. */
	static final String OUTSIDE = "outside";

	/** How long a decision may stay made with its task still in review before it counts as abandoned by a crash. */
	static final Duration ABANDONED = Duration.ofMinutes(1);

	/** Bytes of an answer that make its key: its header, with the agent and times, and the start of its text. */
	private static final int KEY_BYTES = 4096;

	private static final Log logger = LogFactory.getLog(Reviews.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final TaskFiles taskFiles;

	private final BiConsumer<TaskId, Attempt> append;

	private final TaskIndex index;

	private final Clock clock;

	/** @param append writes a record to a task's history, as the store's verbs do, and refreshes the task */
	Reviews(WorkspaceLayout layout, AtomicFiles files, TaskFiles taskFiles, BiConsumer<TaskId, Attempt> append,
			TaskIndex index, Clock clock) {
		this.layout = layout;
		this.files = files;
		this.taskFiles = taskFiles;
		this.append = append;
		this.index = index;
		this.clock = clock;
	}

	/**
	 * Approves, rejects or cancels the answer a task in review holds.
	 * @param outcome {@code APPROVED} (to done), {@code REJECTED} (to pending, the answer set aside) or
	 * {@code CANCELLED} (to cancelled, the answer set aside)
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it is not in review, or someone else decided first; it says who
	 */
	Task decide(TaskId id, Attempt.Outcome outcome, String by, String note) {
		Task task = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
		if (task.state() != TaskState.REVIEW) {
			throw new TransitionNotAllowedException(notInReview(task));
		}
		Path output = this.layout.output(id);
		Optional<String> found = key(output);
		if (found.isEmpty()) {
			// Set aside by a decider that is renaming the task right now, or not linked yet by the agent that committed.
			this.index.lookFor(id);
			Task now = this.index.find(id).orElse(task);
			throw new TransitionNotAllowedException((now.state() != TaskState.REVIEW) ? notInReview(now)
					: id + " is being decided by someone else, or its answer is not in outputs/ yet; look again in a"
							+ " moment");
		}
		String key = found.get();
		Decided decided = new Decided(outcome, by, this.clock.instant(), note);
		Path marker = marker(id, key);
		claimDecision(marker, decided, task);
		Path kept = kept(id, key);
		try {
			boolean goal = task.document().kind() == TaskDocument.Kind.GOAL;
			if (outcome != Attempt.Outcome.APPROVED || goal) {
				// A goal's answer in review is its plan: once decided, the outputs/ name is left for its result.
				setAside(output, kept);
			}
			TaskFile from = task.file();
			TaskState next = (goal && outcome == Attempt.Outcome.APPROVED) ? TaskState.PENDING : next(outcome);
			if (!this.taskFiles.move(Actor.PERSON, from, from.to(next, null))) {
				// Renamed meanwhile by someone Spool did not see deciding: a person at a shell, or a cancel.
				Files.deleteIfExists(marker);
				this.index.lookFor(id);
				Task now = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
				if (now.state() == TaskState.DONE && Files.exists(kept, LinkOption.NOFOLLOW_LINKS)) {
					this.files.relink(kept, output);
				}
				settleOutside(id, key, now.state());
				throw new TransitionNotAllowedException(notInReview(this.index.find(id).orElse(now)));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not record the decision on " + id + ": " + ex.getMessage(), ex);
		}
		this.append.accept(id, Attempt.decision(outcome, by, decided.at(), note));
		logger.info(by + " " + word(outcome) + " the answer to " + id);
		return this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/**
	 * Creates the decision's marker, the step that makes this decider the only one. A marker left by a decider that
	 * stopped before renaming the task, a minute or more ago, is taken over.
	 */
	private void claimDecision(Path marker, Decided decided, Task task) {
		byte[] json = WorkspaceJson.MAPPER.writeValueAsBytes(decided);
		for (int tries = 0; tries < 2; tries++) {
			try {
				this.files.publishNew(marker, json);
				return;
			}
			catch (FileAlreadyExistsException ex) {
				Optional<Decided> earlier = read(marker);
				boolean abandoned = earlier.isPresent()
						&& earlier.get().at().isBefore(this.clock.instant().minus(ABANDONED));
				if (!abandoned) {
					throw new TransitionNotAllowedException(earlier
						.map((made) -> task.id() + " was already " + word(made.outcome()) + " by " + made.by() + " at "
								+ made.at())
						.orElse(task.id() + " is being decided by someone else"));
				}
				try {
					Files.deleteIfExists(marker);
				}
				catch (IOException deleting) {
					throw new UncheckedIOException(deleting);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("could not record the decision on " + task.id() + ": "
						+ ex.getMessage(), ex);
			}
		}
		throw new TransitionNotAllowedException(task.id() + " is being decided by someone else");
	}

	/** Why a task that is not in review cannot be decided, naming the decision that took it out if there was one. */
	private String notInReview(Task task) {
		String why = task.id() + " is " + task.state().word() + ", not in review";
		Optional<Decided> newest = newest(task.id()).map(Marker::decided)
			.filter((decided) -> next(decided.outcome()) == task.state()
					|| task.document().kind() == TaskDocument.Kind.GOAL);
		return newest.map((decided) -> why + ": it was already " + word(decided.outcome()) + " by "
				+ ((decided.by() != null) ? decided.by() : "someone") + " at " + decided.at())
			.orElse(why + ": only a task whose answer awaits review can be approved or rejected");
	}

	/** The newest decision made on any of the task's answers. */
	private Optional<Marker> newest(TaskId id) {
		String prefix = id.text() + ".";
		// Two decisions at one instant (a coarse or stopped clock): the one on the answer now in outputs/ is the
		// newer, since every earlier answer was decided before this one was published.
		Path current = key(this.layout.output(id)).map((key) -> marker(id, key)).orElse(null);
		try (Stream<Path> listing = Files.list(this.layout.reviews())) {
			return listing.filter((path) -> isMarkerOf(path, prefix))
				.flatMap((path) -> read(path).map((decided) -> new Marker(path, decided)).stream())
				.max(Comparator.comparing((Marker marker) -> marker.decided().at())
					.thenComparing((marker) -> marker.path().equals(current)));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Records a task that left review without a decision Spool made: renamed by hand to done (approved by
	 * {@code outside}), to pending (rejected, without a note), or anywhere else (its answer set aside).
	 */
	void noticed(TaskChanged change) {
		Task before = change.before();
		Task after = change.after();
		if (before == null || after == null || before.state() != TaskState.REVIEW
				|| after.state() == TaskState.REVIEW) {
			return;
		}
		// A decider of Spool's sets a rejected answer aside before it renames the task, so an answer still in
		// outputs/ is one it approved, or one a person at a shell moved on.
		try {
			Optional<String> key = key(this.layout.output(after.id()));
			if (key.isPresent()) {
				settleOutside(after.id(), key.get(), after.state());
			}
		}
		catch (IOException | RuntimeException ex) {
			// Told on the thread that noticed the change; the features that hear of it next must still hear.
			logger.warn("Could not record how " + after.id() + " left review: " + ex.getMessage());
		}
	}

	private void settleOutside(TaskId id, String key, TaskState now) throws IOException {
		Attempt.Outcome outcome = switch (now) {
			case DONE -> Attempt.Outcome.APPROVED;
			case PENDING -> Attempt.Outcome.REJECTED;
			default -> Attempt.Outcome.CANCELLED;
		};
		Instant at = this.clock.instant();
		try {
			this.files.publishNew(marker(id, key), WorkspaceJson.MAPPER.writeValueAsBytes(new Decided(outcome,
					OUTSIDE, at, null)));
		}
		catch (FileAlreadyExistsException ex) {
			// Decided by a decider of Spool's, in this process or another, or noticed already.
			return;
		}
		if (outcome != Attempt.Outcome.APPROVED) {
			setAside(this.layout.output(id), kept(id, key));
		}
		if (outcome != Attempt.Outcome.CANCELLED) {
			this.append.accept(id, Attempt.decision(outcome, OUTSIDE, at, null));
		}
		logger.info("Someone outside Spool took " + id + " out of review to " + now.word() + "; recorded as "
				+ word(outcome) + " by " + OUTSIDE);
	}

	/** Whether the newest decision on any of the task's answers is an approval: a goal's plan may be carried out. */
	boolean approvedLast(TaskId id) {
		return newest(id).map((marker) -> marker.decided().outcome() == Attempt.Outcome.APPROVED).orElse(false);
	}

	/**
	 * The answer most recently rejected and what the reviewer wrote, for the next attempt's prompt; empty once the
	 * newest decision on the task is not a rejection.
	 */
	Optional<Rejection> lastRejection(TaskId id) {
		Optional<Marker> newest = newest(id);
		return newest.filter((marker) -> marker.decided().outcome() == Attempt.Outcome.REJECTED).map((marker) -> {
			String name = marker.path().getFileName().toString();
			Path answer = marker.path().resolveSibling(name.substring(0, name.length() - ".json".length()) + ".md");
			String text;
			try {
				text = ResultHeader.parse(new String(SharedFile.readRegular(answer, TaskStore.MAX_OUTPUT_BYTES),
						StandardCharsets.UTF_8)).text();
			}
			catch (IOException ex) {
				text = null;
			}
			return new Rejection(text, marker.decided().note(), marker.decided().by(), marker.decided().at());
		});
	}

	private static boolean isMarkerOf(Path path, String prefix) {
		String name = path.getFileName().toString();
		return name.startsWith(prefix) && name.endsWith(".json") && name.indexOf('.', prefix.length()) == name.length()
				- ".json".length();
	}

	/** Moves an answer out of {@code outputs/} to where rejected answers are kept; gone already is fine. */
	private void setAside(Path output, Path kept) throws IOException {
		try {
			this.files.relink(output, kept);
		}
		catch (NoSuchFileException ex) {
			// Set aside already, by another decider's failed attempt or a restart.
		}
		catch (FileAlreadyExistsException ex) {
			Files.deleteIfExists(output);
		}
	}

	/** An answer's key: a hash of its first bytes, which hold its header, so each attempt's answer has its own. */
	private static Optional<String> key(Path output) {
		try {
			byte[] start = SharedFile.readRegular(output, KEY_BYTES);
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(start);
			return Optional.of(HexFormat.of().formatHex(digest, 0, 12));
		}
		catch (NoSuchFileException | SharedFile.RefusedFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Path marker(TaskId id, String key) {
		return this.layout.reviews().resolve(id.text() + "." + key + ".json");
	}

	private Path kept(TaskId id, String key) {
		return this.layout.reviews().resolve(id.text() + "." + key + ".md");
	}

	private static Optional<Decided> read(Path marker) {
		try {
			return Optional.of(WorkspaceJson.MAPPER.readValue(SharedFile.readRegular(marker, AttemptLog.MAX_RECORD_BYTES),
					Decided.class));
		}
		catch (IOException | JacksonException ex) {
			return Optional.empty();
		}
	}

	private static TaskState next(Attempt.Outcome outcome) {
		return switch (outcome) {
			case APPROVED -> TaskState.DONE;
			case REJECTED -> TaskState.PENDING;
			case CANCELLED -> TaskState.CANCELLED;
			default -> throw new IllegalArgumentException(outcome + " is no decision on an answer in review");
		};
	}

	static String word(Attempt.Outcome outcome) {
		return outcome.name().toLowerCase(java.util.Locale.ROOT);
	}

	/** A decision as its marker holds it. */
	record Decided(Attempt.Outcome outcome, String by, Instant at, String note) {
	}

	private record Marker(Path path, Decided decided) {
	}

}
