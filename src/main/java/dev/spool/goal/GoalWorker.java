package dev.spool.goal;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.Claim;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * The orchestrator's agent loop: claims goal tasks (and only those) as {@code orchestrator}, hands each to the
 * {@link GoalPlanner}, beats the claim's heart while it works, and cancels the open tasks of cancelled goals. Woken
 * by changes to goals and final tasks, and by a tick every second.
 */
final class GoalWorker implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(GoalWorker.class);

	private static final Duration TICK = Duration.ofSeconds(1);

	private final TaskStore store;

	private final GoalPlanner planner;

	private final Duration heartbeatInterval;

	// Made anew at each start: a context may be stopped and started again (Spring's test context cache pauses the
	// contexts not in use), and a stopped executor takes no more work.
	private volatile ScheduledExecutorService timer;

	private volatile ExecutorService drains;

	private final AtomicBoolean draining = new AtomicBoolean();

	private final AtomicBoolean wanted = new AtomicBoolean();

	private volatile boolean running;

	private volatile Claim current;

	GoalWorker(TaskStore store, GoalPlanner planner, Duration heartbeatInterval) {
		this.store = store;
		this.planner = planner;
		this.heartbeatInterval = heartbeatInterval;
	}

	@Override
	public void start() {
		this.timer = Executors.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "spool-orchestrator-timer"));
		this.drains = Executors.newSingleThreadExecutor((runnable) -> daemon(runnable, "spool-orchestrator"));
		this.draining.set(false);
		this.running = true;
		this.timer.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
		this.timer.scheduleWithFixedDelay(this::heartbeat, this.heartbeatInterval.toMillis(),
				this.heartbeatInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		this.timer.shutdownNow();
		this.drains.shutdownNow();
		try {
			this.drains.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		Claim claim = this.current;
		if (claim != null && this.store.release(claim)) {
			logger.info("The orchestrator handed " + claim.id() + " back to pending as Spool stops");
		}
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@EventListener
	void on(TaskChanged changed) {
		Task after = changed.after();
		if (after == null) {
			return;
		}
		boolean goal = after.document().kind() == TaskDocument.Kind.GOAL;
		if (changed instanceof TaskChanged.Updated) {
			// A goal file written by hand became whole, or was edited: it may be claimable now.
			if (goal && after.state() == TaskState.PENDING) {
				wake();
			}
		}
		else if (goal || (after.document().goal() != null && after.state().isFinished())) {
			wake();
		}
	}

	/** Cancels the open tasks of a cancelled goal, on the orchestrator's timer rather than in this dispatch. */
	@EventListener
	void on(TaskChanged.Cancelled cancelled) {
		if (cancelled.after().document().kind() != TaskDocument.Kind.GOAL || !this.running) {
			return;
		}
		try {
			this.timer.execute(() -> {
				try {
					cancelOpenTasks(Set.of(cancelled.id()));
				}
				catch (RuntimeException ex) {
					logger.error("Could not cancel the open tasks of goal " + cancelled.id() + "; the next tick tries again",
							ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Stopping: the first tick after the next start cancels them.
		}
	}

	void wake() {
		this.wanted.set(true);
		if (this.running && this.draining.compareAndSet(false, true)) {
			try {
				this.drains.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// Stopping: the executor takes no more work.
				this.draining.set(false);
			}
		}
	}

	private void tick() {
		try {
			Set<TaskId> cancelled = this.store.index()
				.queries()
				.newestFirst(TaskState.CANCELLED)
				.stream()
				.filter((task) -> task.document().kind() == TaskDocument.Kind.GOAL)
				.map(Task::id)
				.collect(Collectors.toSet());
			cancelOpenTasks(cancelled);
			wake();
		}
		catch (RuntimeException ex) {
			logger.error("The orchestrator's tick failed; it tries again", ex);
		}
	}

	/** Cancelling a goal cancels the tasks of its plan that have not finished. */
	private void cancelOpenTasks(Set<TaskId> goals) {
		if (goals.isEmpty()) {
			return;
		}
		TaskQueries queries = this.store.index().queries();
		List<Task> open = Stream
			.of(TaskState.PENDING, TaskState.IN_PROGRESS, TaskState.WAITING, TaskState.REVIEW)
			.flatMap((state) -> queries.newestFirst(state).stream())
			.filter((task) -> task.document().goal() != null && goals.contains(task.document().goal().goal())
					&& !task.state().isFinished())
			.toList();
		for (Task task : open) {
			try {
				this.store.cancel(task.id());
				logger.info("Cancelled " + task.id() + " with its goal " + task.document().goal().goal());
			}
			catch (TaskNotFoundException | TransitionNotAllowedException ex) {
				// Finished or gone in the meantime.
			}
		}
	}

	private void heartbeat() {
		Claim claim = this.current;
		if (claim != null) {
			this.store.heartbeat(claim);
		}
	}

	private void drain() {
		try {
			while (this.wanted.getAndSet(false)) {
				while (this.running && workOnce()) {
					// Keep taking goals until there is none.
				}
			}
		}
		catch (RuntimeException ex) {
			logger.error("The orchestrator hit an unexpected error; it goes on at the next tick", ex);
		}
		finally {
			this.draining.set(false);
		}
		if (this.wanted.get()) {
			wake();
		}
	}

	/**
	 * Claims and works on one goal, if one may be taken. A goal that needs a plan waits while a daily budget is spent;
	 * one that is only to be finished does not, and may be further down the queue.
	 */
	private boolean workOnce() {
		List<Task> candidates = this.store.index()
			.claimable(GoalRule.ORCHESTRATOR, List.of(), (goal) -> this.planner.waitsForBudget(goal).isEmpty(), 8);
		for (Task candidate : candidates) {
			Optional<Claim> claim = this.store.claim(candidate, GoalRule.ORCHESTRATOR);
			if (claim.isPresent()) {
				this.current = claim.get();
				try {
					this.planner.work(claim.get());
				}
				finally {
					this.current = null;
				}
				return true;
			}
		}
		return false;
	}

}
