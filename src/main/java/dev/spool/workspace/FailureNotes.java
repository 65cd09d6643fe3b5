package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Failed attempts reported by outside agents, which cannot write Spool's records: a note
 * {@code failures/<id>.<agent>.<unique>.md} whose text is the reason, with an optional header ({@code started_at},
 * {@code finished_at}, {@code tokens}). Any Spool process takes a note by renaming it to a name of its own, so exactly one counts it,
 * turns it into an {@code ERROR} record for that agent, fails the task when its budget is spent, and removes it.
 */
final class FailureNotes {

	private static final Log logger = LogFactory.getLog(FailureNotes.class);

	/** The most of a note that is read; the rest of a longer reason is cut. */
	private static final int MAX_NOTE_BYTES = 16 * 1024;

	private static final int MAX_REASON_LENGTH = 2000;

	private final WorkspaceLayout layout;

	private final TaskStore store;

	private final Clock clock;

	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	FailureNotes(WorkspaceLayout layout, TaskStore store, Clock clock) {
		this.layout = layout;
		this.store = store;
		this.clock = clock;
	}

	/** Takes every note in {@code failures/}; safe to call from several processes and threads at once. */
	synchronized void takeAll() {
		try (DirectoryStream<Path> notes = Files.newDirectoryStream(this.layout.failures(), "*.md")) {
			for (Path note : notes) {
				take(note);
			}
		}
		catch (IOException | DirectoryIteratorException ex) {
			logger.warn("Could not list " + this.layout.failures() + ": " + ex.getMessage());
		}
	}

	private void take(Path note) {
		String name = note.getFileName().toString();
		if (name.startsWith(".")) {
			return;
		}
		Optional<Note> parsed = Note.parse(name);
		if (parsed.isEmpty()) {
			if (this.reported.add(name)) {
				logger.warn("Ignoring " + note + ": not a failure note name (<id>.<agent>.<unique>.md); left where it is");
			}
			return;
		}
		Path taken = note.resolveSibling("." + name + "." + UUID.randomUUID() + ".tmp");
		try {
			// The rename is the lock: of several Spool processes, one takes the note and counts it.
			Files.move(note, taken, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		catch (IOException ex) {
			logger.warn("Could not take " + note + ": " + ex.getMessage());
			return;
		}
		try {
			ResultHeader.Parsed content = ResultHeader.parse(read(taken));
			String reason = content.text().strip();
			if (reason.isEmpty()) {
				reason = "no reason given";
			}
			else if (reason.length() > MAX_REASON_LENGTH) {
				reason = reason.substring(0, MAX_REASON_LENGTH) + "…";
			}
			Instant finished = (content.header().finishedAt() != null) ? content.header().finishedAt()
					: this.clock.instant();
			Optional<TaskState> outcome = this.store.recordOutsideFailure(parsed.get().id(), parsed.get().agent(),
					content.header().startedAt(), finished, reason, content.header().tokens());
			if (content.header().tokens() != null && content.header().tokens().refusal() != null) {
				logger.warn(note + ": " + content.header().tokens().refusal());
			}
			logger.info(parsed.get().agent() + " reported a failed attempt at " + parsed.get().id() + ": " + reason
					+ outcome.map((state) -> "; the task is " + state.word()).orElse(""));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not count the failure note " + note + ": " + ex.getMessage());
		}
		finally {
			try {
				Files.deleteIfExists(taken);
			}
			catch (IOException ex) {
				logger.warn("Could not remove " + taken + ": " + ex.getMessage());
			}
		}
	}

	/**
	 * Reads the start of a note through one descriptor: a note that is a link, a pipe or anything but a regular file
	 * is refused without waiting (a pipe opened the usual way would stop the thread that watches the workspace).
	 */
	private static String read(Path path) throws IOException {
		return new String(SharedFile.readRegular(path, MAX_NOTE_BYTES), StandardCharsets.UTF_8);
	}

	/** What a note's name says: whose attempt at which task. */
	record Note(TaskId id, String agent) {

		static Optional<Note> parse(String name) {
			String[] parts = name.split("\\.", 4);
			if (parts.length != 4 || !parts[3].equals("md") && !parts[3].endsWith(".md")) {
				return Optional.empty();
			}
			if (!AgentNames.isValid(parts[1]) || parts[2].isEmpty()) {
				return Optional.empty();
			}
			return TaskId.parse(parts[0]).map((id) -> new Note(id, parts[1]));
		}

	}

}
