package dev.spool.budget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.AttemptLog;
import dev.spool.workspace.FolderNames;
import dev.spool.workspace.RecordName;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.WorkspaceLayout;
import tools.jackson.core.JacksonException;

/**
 * Attempt records read from their files rather than through the index, for totals that outlive a task's place in it:
 * those in {@code archive/attempts/} (archived tasks) and those in {@code .spool/attempts/} whose task the index does
 * not hold (its file was removed by hand). Each is read as
 * {@link AttemptLog#readRecord(Path)} reads it.
 */
@Component
final class AttemptRecords {

	private static final Log logger = LogFactory.getLog(AttemptRecords.class);

	private final WorkspaceLayout layout;

	private final TaskIndex index;

	AttemptRecords(WorkspaceLayout layout, TaskIndex index) {
		this.layout = layout;
		this.index = index;
	}

	/**
	 * Records whose file was last modified at or after a time, of archived tasks and of tasks the index does not
	 * hold. A record is written once and never changed, and archiving renames it, which keeps its modification time,
	 * so the file time says when it was written: the caller leaves room for the clocks of other hosts. Only the names
	 * are looked at in {@code .spool/attempts/} for tasks the index holds; other files are looked at (one
	 * {@code stat}) and only those recent enough are read.
	 */
	public List<Entry> writtenSince(Instant since) {
		List<Entry> found = new ArrayList<>();
		scan(this.layout.attempts(), since, true, found);
		scan(this.layout.archivedAttempts(), since, false, found);
		return found;
	}

	/**
	 * A task's records numbered above {@code after}, from {@code .spool/attempts/} or, once archived, from
	 * {@code archive/attempts/}, in order up to the first number found in neither.
	 */
	public List<Entry> above(TaskId id, int after) {
		List<Entry> found = new ArrayList<>();
		for (int number = after + 1;; number++) {
			Path name = this.layout.attempt(id, number);
			Optional<Attempt> record = read(name).or(
					() -> read(this.layout.archivedAttempts().resolve(name.getFileName().toString())));
			if (record.isEmpty()) {
				return found;
			}
			found.add(new Entry(id, record.get().withNumber(number)));
		}
	}

	private void scan(Path folder, Instant since, boolean skipIndexed, List<Entry> found) {
		// RecordName sorts out the names: a glob would match each of them again.
		try {
			FolderNames.forEach(folder, (text) -> {
				Optional<RecordName> name = RecordName.parse(text);
				if (name.isEmpty() || (skipIndexed && this.index.find(name.get().task()).isPresent())) {
					return;
				}
				Path path = folder.resolve(text);
				if (writtenSince(path, since)) {
					read(path).ifPresent((record) -> found.add(new Entry(name.get().task(),
							record.withNumber(name.get().number()))));
				}
			});
		}
		catch (NoSuchFileException ex) {
			// Nothing archived yet.
		}
		catch (IOException ex) {
			logger.warn("Could not list the attempt records in " + folder + ": " + ex.getMessage());
		}
	}

	private static boolean writtenSince(Path path, Instant since) {
		try {
			return !Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
				.lastModifiedTime()
				.toInstant()
				.isBefore(since);
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Optional<Attempt> read(Path path) {
		try {
			return Optional.of(AttemptLog.readRecord(path));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Skipping unreadable attempt record " + path + ": " + ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * One record, numbered as its file name says.
	 *
	 * @param task the task it belongs to
	 * @param attempt the record
	 */
	public record Entry(TaskId task, Attempt attempt) {
	}

}
