package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Reads what is known of one task from its files: its document (front matter and the start of its prompt, never
 * more than the size limit, never through a link), its history, whether it has an output, its owner and its times.
 */
final class TaskReader {

	private static final Log logger = LogFactory.getLog(TaskReader.class);

	private static final int SUMMARY_LENGTH = 280;

	/** How much of a result is read for its header. */
	private static final int HEADER_LIMIT = 4096;

	private final WorkspaceLayout layout;

	private final AttemptLog log;

	private final Clock clock;

	private final long maxFileSize;

	private final Map<TaskId, String> rememberedOwners = new ConcurrentHashMap<>();

	private final Reads reads;

	/** Told of each task file about to be opened: a seam for tests that hold one read up while others go on. */
	private volatile Consumer<Path> opening = (path) -> {
	};

	TaskReader(WorkspaceLayout layout, AttemptLog log, Clock clock, long maxFileSize) {
		this.layout = layout;
		this.log = log;
		this.clock = clock;
		this.maxFileSize = maxFileSize;
		this.reads = new Reads(log.missing);
	}

	void beforeOpening(Consumer<Path> hook) {
		this.opening = hook;
	}

	/** Owners of finished tasks that the files no longer tell, such as a shell agent's, carried over a restart. */
	void rememberOwners(Map<TaskId, String> owners) {
		owners.forEach((id, owner) -> this.rememberedOwners.put(id, owner.intern()));
	}

	/**
	 * Forgets the owners remembered for these tasks, read since: a task read again keeps the owner it had, so only
	 * the first reading needed them (a hundred thousand names and ids, at a start of that size).
	 */
	void forgetOwners(Set<TaskId> read) {
		this.rememberedOwners.keySet().removeAll(read);
	}

	/**
	 * Reads a task from its file names.
	 * @param before what was known of it, whose document is kept unless the file changed
	 * @param reread whether its content may have changed
	 * @param whole what is known of whether the file is whole
	 * @throws VanishedException if its file was renamed or deleted meanwhile; nothing else: whatever else goes wrong
	 * gives a task flagged with the reason
	 */
	Task load(TaskId id, Set<String> fileNames, Task before, boolean reread, WholeFiles whole) {
		return load(id, fileNames, before, reread, null, null, whole);
	}

	/**
	 * Reads a task from its file names and what a listing said of its other files.
	 * @param listed what a listing of the workspace just said of its output and records, or null to look
	 * @param recorded a record this process has just written, taken as read when it follows the history known
	 * @see #load(TaskId, Set, Task, boolean, WholeFiles)
	 */
	Task load(TaskId id, Set<String> fileNames, Task before, boolean reread, Listed listed, Attempt recorded,
			WholeFiles whole) {
		try {
			return read(id, fileNames, before, reread, listed, recorded, whole);
		}
		catch (VanishedException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// One file that cannot be read must not keep the others out of the index.
			logger.warn("Could not read task " + id + " " + fileNames + "; flagging it", ex);
			return flagged(id, fileNames, before, "could not be read: " + ProblemText.describe(ex));
		}
	}

	private Task flagged(TaskId id, Set<String> fileNames, Task before, String problem) {
		TaskFile file = TaskFile.parse(fileNames.iterator().next()).orElseThrow();
		Instant now = this.clock.instant();
		TaskDocument document = unreadable(problem);
		return new Task(id, file, file.owner(), document,
				(before != null) ? before.createdAt() : now, null, false, List.of(), document.problem(), -1, now, now);
	}

	private Task read(TaskId id, Set<String> fileNames, Task before, boolean reread, Listed listed,
			Attempt recorded, WholeFiles whole) {
		TaskFile parsed = TaskFile.parse(fileNames.iterator().next()).orElseThrow();
		// The task's one id, not a copy of it for its file: a hundred thousand tasks hold one each.
		TaskFile file = parsed.id().equals(id) ? new TaskFile(id, parsed.state(), parsed.owner()) : parsed;
		String problem = (fileNames.size() > 1)
				? "several files share the id " + id + " (" + String.join(", ", fileNames) + "); agents leave it alone"
				: null;
		Path path = this.layout.task(file);
		TaskDocument document;
		Instant modified;
		long size;
		Instant readAt = (before != null) ? before.readAt() : null;
		this.opening.accept(path);
		try {
			// A document already read is looked at first, and kept unless the file grew, shrank or was written again
			// since (a change of its link count or a touch alone, an event all the same, is not a new document); any
			// other is read at once, and what the opened file said is all there is to know of it.
			BasicFileAttributes looked = (before != null && before.document().isReadable()) ? look(path) : null;
			boolean known = looked != null && before.fileSize() == looked.size()
					&& (!reread || looked.lastModifiedTime().toInstant().equals(before.fileModified()));
			Read read = known ? null : readDocument(path);
			document = known ? before.document() : read.document();
			if (read != null && read.status() != null) {
				modified = read.status().modified();
				size = read.status().size();
			}
			else {
				// Kept, or refused at its opening (a link, say): the name's own attributes.
				BasicFileAttributes attributes = (looked != null) ? looked : look(path);
				modified = attributes.lastModifiedTime().toInstant();
				size = attributes.size();
			}
			readAt = whole.readAt(file, readAt, !known);
		}
		catch (NoSuchFileException ex) {
			throw new VanishedException(file.fileName());
		}
		catch (IOException ex) {
			document = unreadable("cannot be read: " + ProblemText.describe(ex));
			modified = this.clock.instant();
			size = -1;
			readAt = this.clock.instant();
		}
		if (problem == null) {
			problem = document.problem();
		}
		// A listing's count of records and its look for an output spare a probe per task; one added since is seen
		// next time.
		List<Attempt> known = withRecorded((before != null) ? before.history() : List.of(), recorded);
		List<Attempt> history = (listed != null) ? this.log.read(id, known, listed.records()) : this.log.read(id, known);
		boolean extended = !known.isEmpty() && history.size() >= known.size()
				&& history.get(known.size() - 1) == known.get(known.size() - 1);
		this.reads.records.addAndGet(history.size() - (extended ? known.size() : 0));
		ResultHeader written = (listed != null) ? listed.header() : null;
		boolean outputListed = listed == null || listed.output();
		boolean done = file.state() == TaskState.DONE;
		// A done task's output is opened for its header, which also says whether it is a regular file, unless its
		// last record is the DONE record of that result (written by the agent that linked it, or by Spool from an
		// outside agent's header), which tells the same owner and time; any other task's output is only looked at.
		Output output = (!outputListed) ? Output.NONE
				: (written != null) ? new Output(true, written)
				: (done && !endsInItsDoneRecord(history)) ? output(id)
				: new Output(SharedFile.isRegularFile(this.layout.output(id)), null);
		boolean hasOutput = output.regular();
		Instant createdAt = (document.createdAt() != null) ? document.createdAt()
				: (before != null) ? before.createdAt() : modified;
		ResultHeader result = done ? output.header() : null;
		return new Task(id, file, owner(file, history, before, result), document, createdAt,
				completedAt(file, history, before, hasOutput, result), hasOutput, history, problem, size, modified,
				readAt);
	}

	/**
	 * Reads a task file once, through one descriptor opened without following a link or waiting on a pipe: whoever
	 * writes {@code tasks/} may swap the name for anything at any moment.
	 */
	private Read readDocument(Path path) throws IOException {
		SharedFile file;
		try {
			file = SharedFile.open(path);
		}
		catch (SharedFile.RefusedFileException ex) {
			return new Read(unreadable(refusal(ex.kind())), null);
		}
		try (file) {
			SharedFile.Status status = file.status();
			if (status.kind() != SharedFile.Kind.REGULAR) {
				return new Read(unreadable(refusal(status.kind())), status);
			}
			if (status.size() > this.maxFileSize) {
				return new Read(unreadable("is " + status.size() + " bytes, more than the limit of " + this.maxFileSize),
						status);
			}
			this.reads.documents.incrementAndGet();
			byte[] bytes = file.read((int) Math.min(Integer.MAX_VALUE - 8, this.maxFileSize + 1));
			if (bytes.length > this.maxFileSize) {
				return new Read(unreadable("grew beyond the limit of " + this.maxFileSize + " bytes while being read"),
						status);
			}
			return new Read(parse(bytes), status);
		}
	}

	private static String refusal(SharedFile.Kind kind) {
		return (kind == SharedFile.Kind.LINK) ? "is a symbolic link; Spool never follows links in tasks/"
				: "is not a regular file";
	}

	private static TaskDocument parse(byte[] bytes) {
		String text;
		try {
			text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return unreadable("is not UTF-8 text");
		}
		if (text.indexOf('\0') >= 0) {
			return unreadable("is binary, not text");
		}
		TaskDocument full = TaskDocument.parse(text);
		if (full.isReadable() && full.prompt().isBlank()) {
			return unreadable("has no prompt");
		}
		String prompt = full.prompt();
		String summary = (prompt.length() > SUMMARY_LENGTH) ? prompt.substring(0, SUMMARY_LENGTH) + "…" : prompt;
		return full.withPrompt(summary);
	}

	/**
	 * Whether the last record that tells is the DONE record of the result in place, naming its agent and time: the
	 * owner and completion time of a done task, as the result's header says them. Not when the record says that a
	 * result already there was kept instead of its answer.
	 */
	private static boolean endsInItsDoneRecord(List<Attempt> history) {
		Attempt last = lastTelling(history);
		return last != null && last.outcome() == Attempt.Outcome.DONE && last.unpublished() == null
				&& last.agent() != null && last.finishedAt() != null;
	}

	/**
	 * The last record that says how the task ended, or null: a cut-short attempt's record comes after the record of
	 * what cut it short (a cancel), and the latter tells.
	 */
	private static Attempt lastTelling(List<Attempt> history) {
		for (int i = history.size() - 1; i >= 0; i--) {
			if (history.get(i).outcome() != Attempt.Outcome.CUT_SHORT) {
				return history.get(i);
			}
		}
		return null;
	}

	/** Whether a task has an output, a regular file, and the header of its result when one was read. */
	private record Output(boolean regular, ResultHeader header) {

		static final Output NONE = new Output(false, null);

	}

	/** A document read, and what the descriptor it was read from said of the file (null when none was opened). */
	private record Read(TaskDocument document, SharedFile.Status status) {
	}

	private static TaskDocument unreadable(String problem) {
		return new TaskDocument(null, null, 0, List.of(), null, null, null, "", "the task file " + problem);
	}

	/** The history known, with a record just written when it is the next of an unbroken run. */
	private static List<Attempt> withRecorded(List<Attempt> known, Attempt recorded) {
		int count = known.size();
		boolean unbroken = count == 0 || known.get(count - 1).number() == count;
		if (recorded == null || !unbroken || recorded.number() != count + 1) {
			return known;
		}
		List<Attempt> history = new ArrayList<>(known);
		history.add(recorded);
		return List.copyOf(history);
	}

	/**
	 * A done task's output, opened once without following a link: whether it is a regular file, and the header of
	 * its result, read from the file's first few kilobytes. Results are never replaced, so this is what it will
	 * always say.
	 */
	private Output output(TaskId id) {
		Path path = this.layout.output(id);
		this.reads.results.incrementAndGet();
		try {
			byte[] start = SharedFile.readRegular(path, HEADER_LIMIT);
			return new Output(true, ResultHeader.parse(new String(start, StandardCharsets.UTF_8)).header());
		}
		catch (NoSuchFileException | SharedFile.RefusedFileException ex) {
			return Output.NONE;
		}
		catch (IOException ex) {
			// Could not be read (its permissions, say): there is an output all the same if the name is a file.
			return new Output(SharedFile.isRegularFile(path), null);
		}
	}

	private static BasicFileAttributes look(Path path) throws IOException {
		return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
	}

	private String owner(TaskFile file, List<Attempt> history, Task before, ResultHeader result) {
		if (file.owner() != null) {
			return file.owner();
		}
		if (file.state() == TaskState.PENDING) {
			// Given back (released, failed, taken back when stale): nobody holds it, whoever last did.
			return null;
		}
		// A done task's owner is whoever wrote its result, as the result says; the history may end with another
		// agent's failed attempt when an outside agent, which records nothing, finished it.
		if (result != null && result.agent() != null) {
			return result.agent();
		}
		boolean done = file.state() == TaskState.DONE;
		for (int i = history.size() - 1; i >= 0; i--) {
			Attempt entry = history.get(i);
			if (entry.agent() != null && (done ? entry.outcome() == Attempt.Outcome.DONE : entry.outcome().isAttempt())) {
				return entry.agent();
			}
		}
		if (before != null && before.owner() != null) {
			return before.owner();
		}
		return this.rememberedOwners.get(file.id());
	}

	private Instant completedAt(TaskFile file, List<Attempt> history, Task before, boolean hasOutput,
			ResultHeader result) {
		if (!file.state().isFinished()) {
			return null;
		}
		if (result != null && result.finishedAt() != null) {
			return result.finishedAt();
		}
		Attempt last = lastTelling(history);
		if (last != null) {
			boolean describesThisState = switch (file.state()) {
				case DONE -> last.outcome() == Attempt.Outcome.DONE;
				case FAILED -> last.outcome().isAttempt();
				default -> last.outcome() == Attempt.Outcome.CANCELLED;
			};
			if (describesThisState) {
				return last.finishedAt();
			}
		}
		if (before != null && before.state() == file.state() && before.completedAt() != null) {
			return before.completedAt();
		}
		if (hasOutput) {
			try {
				return Files.getLastModifiedTime(this.layout.output(file.id()), LinkOption.NOFOLLOW_LINKS).toInstant();
			}
			catch (IOException ex) {
				// Fall through to the time it was seen.
			}
		}
		return this.clock.instant();
	}

	/** How many task files and results this reader has read, for tests that count them. */
	Reads reads() {
		return this.reads;
	}

	/**
	 * What a listing of the workspace said of a task's other files.
	 *
	 * @param output whether {@code outputs/} lists its result
	 * @param records how many attempt records {@code .spool/attempts/} lists for it
	 * @param header the header of a result this process has just linked, taken as read; or null to read it
	 */
	record Listed(boolean output, int records, ResultHeader header) {
	}

	/** Counts of file reads, a seam for tests that check each file is read once. */
	static final class Reads {

		final AtomicLong documents = new AtomicLong();

		final AtomicLong results = new AtomicLong();

		final AtomicLong records = new AtomicLong();

		/** Attempt records looked for and not there. */
		final AtomicLong recordsMissing;

		Reads(AtomicLong recordsMissing) {
			this.recordsMissing = recordsMissing;
		}

	}

	/** A task file that was renamed or deleted between listing and reading it. */
	static final class VanishedException extends RuntimeException {

		final String name;

		VanishedException(String name) {
			super(name, null, false, false);
			this.name = name;
		}

	}

}
