package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;

/**
 * A task's history as numbered immutable files. Numbers are dense, so reading probes {@code 1, 2, ...} until one is
 * missing, and appending takes the next free number with an exclusive create, so concurrent writers never collide.
 * Records are written after the rename they describe has succeeded and are never removed, which keeps them dense.
 */
public final class AttemptLog {

	/** Far more than any record Spool writes (a few hundred bytes). */
	static final int MAX_RECORD_BYTES = 64 * 1024;

	private static final Log logger = LogFactory.getLog(AttemptLog.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final AttemptNotes notes = new AttemptNotes();

	/** Records already reported as unreadable, so that each is logged once rather than at every read. */
	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	/** Records this process is publishing and has not yet handed to the index: {@code <task id>.<number>}. */
	private final Set<String> writing = ConcurrentHashMap.newKeySet();

	/** Records looked for and not there: the probe that ends a history. A seam for tests that count them. */
	final AtomicLong missing = new AtomicLong();

	AttemptLog(WorkspaceLayout layout, AtomicFiles files) {
		this.layout = layout;
		this.files = files;
	}

	/**
	 * The task's records in order. Outside agents may write records too, so each is read through one descriptor that
	 * follows no link and waits on no pipe, and at most {@link #MAX_RECORD_BYTES} of it; a record that is not a
	 * regular file, is larger or is not a record is skipped, and reported once. Each record carries the number of its
	 * file, whatever its content says.
	 */
	List<Attempt> read(TaskId id) {
		return read(id, List.of());
	}

	/**
	 * The task's records in order, reading only those after the ones already known: records are never changed or
	 * removed, so a history read before whose numbers run from 1 without a gap is still true, and only the numbers
	 * after it are probed. A history with a gap (a record skipped as unreadable) is read again whole.
	 * @param known the task's history as read before, or empty
	 */
	List<Attempt> read(TaskId id, List<Attempt> known) {
		return read(id, known, Integer.MAX_VALUE);
	}

	/**
	 * The task's records as {@link #read(TaskId, List)} reads them, but no further than number {@code listed}: a
	 * listing of the records' folder just counted that many of the task's files there, so the probe that would find
	 * the next number missing is spared (at a start, one failed open for every task). A record written after that
	 * listing is read the next time the task is.
	 * @param listed how many files the listing found under the task's name, at least its records numbered from 1
	 */
	List<Attempt> read(TaskId id, List<Attempt> known, int listed) {
		int count = known.size();
		boolean unbroken = count == 0 || known.get(count - 1).number() == count;
		List<Attempt> history = new ArrayList<>(unbroken ? known : List.of());
		for (int number = history.size() + 1; number <= listed; number++) {
			Path path = this.layout.attempt(id, number);
			if (listed == Integer.MAX_VALUE && !SharedFile.exists(path)) {
				// The probe past the last record: most often missing, which an open would say with two exceptions.
				this.missing.incrementAndGet();
				return (history.size() == count && unbroken) ? known : history;
			}
			try {
				Attempt attempt = readRecord(path);
				history.add((attempt.number() == number) ? attempt : attempt.withNumber(number));
			}
			catch (NoSuchFileException ex) {
				this.missing.incrementAndGet();
				return (history.size() == count && unbroken) ? known : history;
			}
			catch (IOException | JacksonException ex) {
				skip(path, ProblemText.describe(ex));
			}
		}
		return (history.size() == count && unbroken) ? known : history;
	}

	/**
	 * One record, read as every file from a folder others may write is read: through one descriptor that follows no
	 * link and waits on no pipe, and only if it is a regular file of at most {@link #MAX_RECORD_BYTES}.
	 * @throws NoSuchFileException if there is no such record
	 * @throws IOException or {@link JacksonException} if the file is not a record
	 */
	public static Attempt readRecord(Path path) throws IOException {
		try (SharedFile file = SharedFile.openRegular(path)) {
			if (file.status().size() > MAX_RECORD_BYTES) {
				throw new FileSystemException(path.toString(), null, "is " + file.status().size()
						+ " bytes, more than a record's limit of " + MAX_RECORD_BYTES);
			}
			return WorkspaceJson.MAPPER.readValue(file.read(MAX_RECORD_BYTES), Attempt.class);
		}
	}

	private void skip(Path path, String reason) {
		if (this.reported.add(path.getFileName().toString()) && this.reported.size() < 10_000) {
			logger.warn("Skipping unreadable attempt record " + path + ": " + reason);
		}
	}

	/** What attempts under way went on without, written into the record that ends each. */
	AttemptNotes notes() {
		return this.notes;
	}

	/** The number the task's next record takes: the first with no file, readable or not. */
	int nextNumber(TaskId id) {
		int number = 1;
		while (SharedFile.exists(this.layout.attempt(id, number))) {
			number++;
		}
		return number;
	}

	/**
	 * Writes a record under exactly this number, for a writer that decided on it from the history before it.
	 * @return false when that number is taken: the history changed since, and the decision is to be made again
	 */
	boolean appendAt(TaskId id, int number, Attempt attempt) throws IOException {
		try {
			this.files.publishNew(this.layout.attempt(id, number),
					WorkspaceJson.MAPPER.writeValueAsBytes(attempt.withNumber(number)));
			return true;
		}
		catch (FileAlreadyExistsException ex) {
			return false;
		}
	}

	Attempt append(TaskId id, Attempt attempt) throws IOException {
		return append(id, attempt, (numbered) -> {
		});
	}

	/**
	 * Appends a record, and hands it to {@code takeIn} once published; until then {@link #isBeingWritten} says so,
	 * so that the file's own event need not be read back.
	 */
	Attempt append(TaskId id, Attempt attempt, Consumer<Attempt> takeIn) throws IOException {
		return append(id, attempt, takeIn, true);
	}

	/**
	 * Appends a record as {@link #append(TaskId, Attempt, Consumer)} does, but flushes neither it nor the records'
	 * folder: for a {@code DONE} record of Spool's own agent, whose result's header holds all the record says
	 * ({@link ResultHeader#recorded}) and was flushed before the commit. A power cut may take the record or leave it
	 * empty; it is then made again from the header ({@link OutsideAnswers}).
	 */
	Attempt appendUnflushed(TaskId id, Attempt attempt, Consumer<Attempt> takeIn) throws IOException {
		return append(id, attempt, takeIn, false);
	}

	private Attempt append(TaskId id, Attempt attempt, Consumer<Attempt> takeIn, boolean flush) throws IOException {
		Attempt noted = this.notes.attach(id, attempt);
		// The first free number: records are dense, and a number another process takes first is skipped below.
		for (int number = nextNumber(id);; number++) {
			Attempt numbered = noted.withNumber(number);
			String key = id.text() + "." + number;
			this.writing.add(key);
			try {
				byte[] content = WorkspaceJson.MAPPER.writeValueAsBytes(numbered);
				if (flush) {
					this.files.publishNew(this.layout.attempt(id, number), content);
				}
				else {
					this.files.publishNewUnflushed(this.layout.attempt(id, number), content);
				}
				takeIn.accept(numbered);
				return numbered;
			}
			catch (FileAlreadyExistsException ex) {
				// Another process wrote this number first; take the next.
			}
			finally {
				this.writing.remove(key);
			}
		}
	}

	/** Whether this process is publishing the task's record number {@code number} and will take it in itself. */
	boolean isBeingWritten(TaskId id, int number) {
		return this.writing.contains(id.text() + "." + number);
	}

}
