package dev.spool.agent;

import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.event.EventListener;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TransitionNotAllowedException;

/**
 * Keeps {@link Waits} up to date as tasks change, and cancels what a cancelled waiting task waited for among its own
 * subtasks (and theirs): no one is left to read their answers. Tasks it waited for that another task submitted are
 * left alone. The cancels are made on a thread of their own, after the change that asked for them was told to all.
 */
final class WaitedCancels {

	private static final Log logger = LogFactory.getLog(WaitedCancels.class);

	private final Waits waits;

	private final TaskStore store;

	private final ThreadPoolExecutor cancels = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), (runnable) -> {
				Thread thread = new Thread(runnable, "spool-waited-cancels");
				thread.setDaemon(true);
				return thread;
			});

	WaitedCancels(Waits waits, TaskStore store) {
		this.waits = waits;
		this.store = store;
	}

	@EventListener
	void on(TaskChanged change) {
		this.waits.changed(change);
	}

	@EventListener
	void on(TaskChanged.Cancelled cancelled) {
		if (cancelled.before().state() == TaskState.WAITING) {
			this.cancels.execute(() -> cancelWaited(cancelled.id()));
		}
	}

	private void cancelWaited(TaskId parent) {
		for (TaskId waited : this.waits.waitsFor(parent).stream().sorted().toList()) {
			Optional<Task> task = this.store.index().find(waited);
			if (task.isEmpty() || task.get().state().isFinished()
					|| !this.store.index().submittedBy(task.get(), parent)) {
				continue;
			}
			try {
				this.store.cancel(waited);
				logger.info("Cancelled " + waited + ": " + parent + ", which waited for it, was cancelled");
			}
			catch (TransitionNotAllowedException ex) {
				// It finished meanwhile.
			}
			catch (RuntimeException ex) {
				logger.warn("Could not cancel " + waited + " with " + parent + ", which waited for it: " + ex.getMessage());
			}
		}
	}
}
