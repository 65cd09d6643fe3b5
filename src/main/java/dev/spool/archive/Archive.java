package dev.spool.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.Actor;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskFile;
import dev.spool.workspace.TaskFiles;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TransitionNotAllowedException;
import dev.spool.workspace.Workspace;
import dev.spool.workspace.WorkspaceLayout;

/**
 * Decides which finished tasks leave {@code tasks/} for {@code archive/} (those no unfinished task depends on), which
 * {@link TaskFiles} then moves by rename under the same names: the task file to {@code archive/tasks/}, then its
 * output to {@code archive/outputs/} and its attempt records to {@code archive/attempts/}. The task file's rename
 * decides: once it is in {@code archive/tasks/} the task is archived, and whatever of it a crash left behind follows
 * it at the next start ({@link #finishInterrupted()}). Nothing is deleted, and its id stays reserved, so it is never
 * handed out again.
 */
public final class Archive {

	private static final Log logger = LogFactory.getLog(Archive.class);

	private final WorkspaceLayout layout;

	private final TaskIndex index;

	private final TaskFiles taskFiles;

	private Archive(WorkspaceLayout layout, TaskIndex index, TaskFiles taskFiles) {
		this.layout = layout;
		this.index = index;
		this.taskFiles = taskFiles;
	}

	/** The archive of a workspace, once it has finished moving what a stopped process left half-archived. */
	public static Archive of(Workspace workspace) throws IOException {
		Archive archive = new Archive(workspace.layout(), workspace.index(), workspace.taskFiles());
		archive.finishInterrupted();
		return archive;
	}

	/**
	 * Archives a finished task that no unfinished task depends on.
	 * @return false when it changed meanwhile (retried, or archived by someone else): a lost race, nothing done
	 * @throws TaskNotFoundException if there is no such task
	 * @throws TransitionNotAllowedException if it has not finished, or an unfinished task depends on it
	 */
	public boolean archive(TaskId id) {
		Task task = this.index.find(id).orElseThrow(() -> new TaskNotFoundException(id));
		if (!task.state().isFinished()) {
			throw new TransitionNotAllowedException(id + " is " + task.state().word()
					+ " and cannot be archived (only done, failed or cancelled tasks can)");
		}
		Optional<Task> waiting = this.index.queries()
			.dependants(id)
			.stream()
			.filter((dependant) -> !dependant.state().isFinished())
			.findFirst();
		if (waiting.isPresent()) {
			throw new TransitionNotAllowedException(id + " cannot be archived: " + waiting.get().id() + " ("
					+ waiting.get().state().word() + ") depends on it");
		}
		try {
			return this.taskFiles.archive(Actor.ARCHIVE, task.file());
		}
		catch (FileAlreadyExistsException ex) {
			throw new TransitionNotAllowedException(id + " cannot be archived: " + ex.getFile() + " already exists");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not archive " + id + ": " + ex.getMessage(), ex);
		}
	}

	/** Finished tasks that reached their state before a time, oldest first. */
	public List<TaskId> finishedBefore(Instant cutoff) {
		List<TaskId> ids = new ArrayList<>();
		for (TaskState state : TaskState.values()) {
			if (state.isFinished()) {
				this.index.queries().newestFirst(state).forEach((task) -> {
					Instant finished = (task.completedAt() != null) ? task.completedAt() : task.createdAt();
					if (finished != null && finished.isBefore(cutoff)) {
						ids.add(task.id());
					}
				});
			}
		}
		Collections.sort(ids);
		return ids;
	}

	/** Whether a task is in {@code archive/tasks/}. */
	public boolean isArchived(TaskId id) {
		for (TaskState state : TaskState.values()) {
			if (state.isFinished() && Files.exists(
					this.layout.archivedTasks().resolve(new TaskFile(id, state, null).fileName()),
					LinkOption.NOFOLLOW_LINKS)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Moves the outputs and attempt records of archived tasks that a stopped process left behind, between the task
	 * file's rename and theirs. Cheap: only outputs and records whose task is not in {@code tasks/} are looked at.
	 */
	void finishInterrupted() throws IOException {
		if (!Files.isDirectory(this.layout.archivedTasks())) {
			return;
		}
		Set<TaskId> left = new LinkedHashSet<>();
		collect(this.layout.outputs(), "_result.md", left);
		collect(this.layout.attempts(), ".json", left);
		for (TaskId id : left) {
			if (this.index.find(id).isEmpty() && isArchived(id)) {
				logger.info("Finishing the archiving of " + id + " that a stopped process began");
				this.taskFiles.archiveTheRest(id);
			}
		}
	}

	private void collect(Path folder, String suffix, Set<TaskId> ids) throws IOException {
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
			for (Path path : stream) {
				String name = path.getFileName().toString();
				// task_007_result.md, or task_007.1.json
				int end = name.endsWith(suffix) ? name.indexOf(suffix.equals(".json") ? "." : suffix) : -1;
				if (end > 0) {
					TaskId.parse(name.substring(0, end)).ifPresent(ids::add);
				}
			}
		}
		catch (DirectoryIteratorException ex) {
			throw ex.getCause();
		}
	}

}
