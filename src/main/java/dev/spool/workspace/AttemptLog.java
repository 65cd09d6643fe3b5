package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;

/**
 * A task's history as numbered immutable files. Numbers are dense, so reading probes {@code 1, 2, ...} until one is
 * missing, and appending takes the next free number with an exclusive create, so concurrent writers never collide.
 * Records are written after the rename they describe has succeeded and are never removed, which keeps them dense.
 */
final class AttemptLog {

	private static final Log logger = LogFactory.getLog(AttemptLog.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	AttemptLog(WorkspaceLayout layout, AtomicFiles files) {
		this.layout = layout;
		this.files = files;
	}

	List<Attempt> read(TaskId id) {
		List<Attempt> history = new ArrayList<>();
		for (int number = 1;; number++) {
			Path path = this.layout.attempt(id, number);
			try {
				history.add(WorkspaceJson.MAPPER.readValue(Files.readAllBytes(path), Attempt.class));
			}
			catch (NoSuchFileException ex) {
				return history;
			}
			catch (IOException | JacksonException ex) {
				logger.warn("Skipping unreadable attempt record " + path + ": " + ex.getMessage());
			}
		}
	}

	Attempt append(TaskId id, Attempt attempt) throws IOException {
		for (int number = read(id).size() + 1;; number++) {
			Attempt numbered = attempt.withNumber(number);
			try {
				this.files.publishNew(this.layout.attempt(id, number), WorkspaceJson.MAPPER.writeValueAsBytes(numbered));
				return numbered;
			}
			catch (FileAlreadyExistsException ex) {
				// Another process wrote this number first; take the next.
			}
		}
	}

}
