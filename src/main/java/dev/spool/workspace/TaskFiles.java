package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one writer of task files: every rename, link and removal of a file in {@code tasks/}, and the moves of a task's
 * answer and records into the archive, go through here; each is checked against {@link Actor}'s table before anything
 * is written, and told to the index at once.
 */
public final class TaskFiles {

	private static final Log logger = LogFactory.getLog(TaskFiles.class);

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final TaskIndex index;

	TaskFiles(WorkspaceLayout layout, AtomicFiles files, TaskIndex index) {
		this.layout = layout;
		this.files = files;
		this.index = index;
	}

	/**
	 * Publishes a new task's pending file whole under a reserved id: known whole before it has its name, since the
	 * watcher may read it before this thread does.
	 */
	void publish(IdReservations ids, TaskFile pending, byte[] content) throws IOException {
		this.index.taskFilePublishing(pending.fileName());
		ids.publish(pending, content);
		this.index.taskFilePublished(pending.fileName());
	}

	/**
	 * Renames a task's file from one state to another, never replacing a file.
	 * @return false when the file had already moved: a lost race, nothing written
	 * @throws TransitionNotAllowedException if the actor may not make this transition; nothing is written
	 * @throws java.nio.file.FileAlreadyExistsException if the new name is taken
	 */
	boolean move(Actor actor, TaskFile from, TaskFile to) throws IOException {
		boolean moved = moveUntold(actor, from, to);
		this.index.moved(from, to, moved);
		return moved;
	}

	/**
	 * Claims a task: renames its file as {@link #move} does, but does not flush {@code tasks/}. A claim that a power
	 * cut takes back ends as if its agent had died, except that the task is pending at once rather than after
	 * {@code spool.stale-after}, and the attempt is not counted; the claim's agent flushes the folder when it commits
	 * or gives the task back, which makes the claim last too.
	 */
	boolean claim(TaskFile from, TaskFile to) throws IOException {
		if (to.state() != TaskState.IN_PROGRESS) {
			throw new TransitionNotAllowedException("an agent may not claim " + from + " as " + to);
		}
		allow(Actor.AGENT, from, to);
		boolean moved = renamed(from, to, () -> this.files.moveUnflushed(this.layout.task(from), this.layout.task(to)));
		this.index.moved(from, to, moved);
		return moved;
	}

	/**
	 * Renames as {@link #move} does, for a caller that tells the index itself, with what it writes after the rename
	 * ({@link TaskIndex#movedAndRecorded}).
	 */
	boolean moveUntold(Actor actor, TaskFile from, TaskFile to) throws IOException {
		allow(actor, from, to);
		return renamed(from, to, () -> this.files.move(this.layout.task(from), this.layout.task(to)));
	}

	/** Makes a rename whose file events the index expects, and forgets them unless it happened. */
	private boolean renamed(TaskFile from, TaskFile to, Rename rename) throws IOException {
		RenameEchoes echoes = this.index.echoes();
		echoes.expect(from, to);
		boolean moved = false;
		try {
			moved = rename.run();
			return moved;
		}
		finally {
			if (!moved) {
				echoes.unexpect(from, to);
			}
		}
	}

	/** A rename of a task's file: false when it had moved already. */
	@FunctionalInterface
	interface Rename {

		boolean run() throws IOException;

	}

	private static void allow(Actor actor, TaskFile from, TaskFile to) {
		if (!from.id().equals(to.id()) || !actor.may(from.state(), to.state())) {
			throw new TransitionNotAllowedException(actor + " may not move " + from + " to " + to);
		}
	}

	/**
	 * Archives a finished task, by rename, under the same names: its id reserved for good, its file moved out of
	 * {@code tasks/} into {@code archive/tasks/}, then its answer to {@code archive/outputs/} and its attempt records
	 * to {@code archive/attempts/}. The task file's rename decides: what a crash leaves behind after it follows at the
	 * next start ({@link #archiveTheRest}).
	 * @return false when the file had already moved
	 * @throws TransitionNotAllowedException if the actor may not archive a task in this state; nothing is written
	 * @throws java.nio.file.FileAlreadyExistsException if {@code archive/tasks/} already has a file of that name
	 */
	public boolean archive(Actor actor, TaskFile from) throws IOException {
		if (!actor.mayArchive(from.state())) {
			throw new TransitionNotAllowedException(actor + " may not archive " + from);
		}
		createArchiveFolders();
		reserve(from.id());
		boolean moved = this.files.move(this.layout.task(from), this.layout.archivedTasks().resolve(from.fileName()));
		this.index.taskFilesChanged(List.of(from.fileName()), Set.of());
		if (moved) {
			archiveTheRest(from.id());
		}
		return moved;
	}

	/**
	 * Moves an archived task's answer and attempt records after its file, as {@link #archive} does; what is already
	 * archived under a name stays, and the file left beside it too.
	 */
	public void archiveTheRest(TaskId id) throws IOException {
		createArchiveFolders();
		moveIfThere(this.layout.output(id), this.layout.archivedOutputs().resolve(WorkspaceLayout.outputName(id)));
		// Records are numbered from 1 without gaps: the first number in neither place ends them.
		for (int number = 1;; number++) {
			Path record = this.layout.attempt(id, number);
			Path archived = this.layout.archivedAttempts().resolve(record.getFileName().toString());
			if (!Files.exists(record, LinkOption.NOFOLLOW_LINKS) && !Files.exists(archived, LinkOption.NOFOLLOW_LINKS)) {
				return;
			}
			moveIfThere(record, archived);
		}
	}

	private void moveIfThere(Path from, Path to) throws IOException {
		try {
			this.files.move(from, to);
		}
		catch (FileAlreadyExistsException ex) {
			logger.warn("Not archiving " + from + ": " + to + " already exists; both are kept");
		}
	}

	/** Reserves a task's id for good, as every task Spool makes is when it is made; one written by hand may not be. */
	private void reserve(TaskId id) throws IOException {
		try {
			this.files.createExclusive(this.layout.reservation(id));
		}
		catch (FileAlreadyExistsException ex) {
			// Reserved already.
		}
	}

	private void createArchiveFolders() throws IOException {
		Files.createDirectories(this.layout.archivedTasks());
		Files.createDirectories(this.layout.archivedOutputs());
		Files.createDirectories(this.layout.archivedAttempts());
	}

	/**
	 * Finishes a move a stopped process left with two names for one file by removing the name it moved from.
	 * @return whether the name was there and is removed
	 * @throws TransitionNotAllowedException if no one may move a task from the one name's state to the other's
	 */
	boolean finishMove(TaskFile from, TaskFile to) throws IOException {
		if (!from.id().equals(to.id()) || !from.state().canTransitionTo(to.state())) {
			throw new TransitionNotAllowedException("no one may move " + from + " to " + to);
		}
		Path earlier = this.layout.task(from);
		boolean removed = Files.deleteIfExists(earlier);
		this.index.taskFilesChanged(List.of(from.fileName(), to.fileName()), Set.of());
		return removed;
	}

}
