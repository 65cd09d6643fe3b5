package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The one writer of task files: every rename, link and removal of a file in {@code tasks/} goes through here, is
 * checked against {@link Actor}'s table before anything is written, and is told to the index at once.
 */
public final class TaskFiles {

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
		if (!from.id().equals(to.id()) || !actor.may(from.state(), to.state())) {
			throw new TransitionNotAllowedException(actor + " may not move " + from + " to " + to);
		}
		boolean moved = this.files.move(this.layout.task(from), this.layout.task(to));
		this.index.moved(from, to);
		return moved;
	}

	/**
	 * Moves a finished task's file out of {@code tasks/} into {@code archive/tasks/} under the same name.
	 * @return false when the file had already moved
	 * @throws TransitionNotAllowedException if the actor may not archive a task in this state; nothing is written
	 */
	public boolean archive(Actor actor, TaskFile from) throws IOException {
		if (!actor.mayArchive(from.state())) {
			throw new TransitionNotAllowedException(actor + " may not archive " + from);
		}
		boolean moved = this.files.move(this.layout.task(from), this.layout.archivedTasks().resolve(from.fileName()));
		this.index.taskFilesChanged(List.of(from.fileName()), Set.of());
		return moved;
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
