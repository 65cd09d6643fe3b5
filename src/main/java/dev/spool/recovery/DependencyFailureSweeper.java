package dev.spool.recovery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.Dependencies;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

/**
 * Fails pending tasks whose dependency failed or was cancelled, by renaming each to failed with a {@code BLOCKED}
 * record that names the dependency. The rule is read from the files alone, so every Spool process on a workspace
 * applies it alike and whichever renames first wins; a dependant of a dependant fails at the next pass, which the
 * first rename triggers. Runs periodically and whenever a task fails, is cancelled or appears pending.
 */
final class DependencyFailureSweeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DependencyFailureSweeper.class);

	private final TaskStore store;

	private final ExecutorService passes = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "spool-dependencies");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicBoolean queued = new AtomicBoolean();

	/** Failed tasks without an error that the last periodic pass saw. */
	private final Set<TaskId> errorlessBefore = ConcurrentHashMap.newKeySet();

	DependencyFailureSweeper(TaskStore store) {
		this.store = store;
	}

	/** The periodic pass: also fails dependants of a task failed without an error, seen so at the pass before. */
	public void sweep() {
		Set<TaskId> errorless = new HashSet<>();
		pass(errorless);
		this.errorlessBefore.retainAll(errorless);
		this.errorlessBefore.addAll(errorless);
	}

	/**
	 * Fails every pending task that depends on a failed or cancelled one, until none is left. A failure is recorded
	 * just after its rename, so a failed dependency without an error yet is left for a later pass, unless an earlier
	 * periodic pass saw it so already (a shell agent that failed a task by {@code mv} records nothing).
	 */
	private void pass(Set<TaskId> errorless) {
		boolean changed = true;
		while (changed) {
			changed = false;
			Dependencies dependencies = this.store.index().dependencies();
			// A task failed here puts its dependants next in line, so a chain of any length fails in one pass
			// rather than one task per pass over every pending task.
			Deque<Task> queue = new ArrayDeque<>(this.store.index().queries().newestFirst(TaskState.PENDING));
			while (!queue.isEmpty()) {
				Task task = queue.poll();
				if (task.state() != TaskState.PENDING || !dependencies.hasUpstream(task)) {
					continue;
				}
				Optional<Task> blocker = dependencies.blocker(task);
				if (blocker.isEmpty()) {
					continue;
				}
				Task dependency = blocker.get();
				if (dependency.state() == TaskState.FAILED && dependency.error() == null) {
					errorless.add(dependency.id());
					if (!this.errorlessBefore.contains(dependency.id())) {
						continue;
					}
				}
				Optional<Task> failed = this.store.failBecauseOfDependency(task.file(), dependency.id(),
						Dependencies.reason(dependency));
				if (failed.isPresent()) {
					changed = true;
					queue.addAll(this.store.index().queries().dependants(task.id()));
				}
			}
		}
	}

	/** Reacts to a change another process, an outside agent or this one made: a pass soon, off the caller's thread. */
	public void on(TaskChanged changed) {
		Task after = changed.after();
		if (after == null) {
			return;
		}
		// A failed task's record may arrive after its rename, so any change to it counts.
		boolean relevant = after.state() == TaskState.FAILED || after.state() == TaskState.CANCELLED
				|| ((changed instanceof TaskChanged.Appeared || changed instanceof TaskChanged.Returned)
						&& !after.dependsOn().isEmpty());
		if (relevant && this.queued.compareAndSet(false, true)) {
			try {
				this.passes.execute(() -> {
					this.queued.set(false);
					try {
						pass(new HashSet<>());
					}
					catch (RuntimeException ex) {
						logger.error("Could not fail the dependants of failed tasks; the next pass tries again", ex);
					}
				});
			}
			catch (RejectedExecutionException ex) {
				// Spool is stopping.
			}
		}
	}

	@Override
	public void close() {
		this.passes.shutdownNow();
	}

}
