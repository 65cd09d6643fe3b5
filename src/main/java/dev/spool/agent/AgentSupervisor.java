package dev.spool.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.spool.SpoolProperties;
import dev.spool.workspace.AgentsFolderChanged;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Runs each defined agent as {@code concurrency} scheduled loops, keeps the loops in step with {@code agents/}, wakes
 * them the moment work appears, and beats their hearts.
 */
final class AgentSupervisor implements SmartLifecycle {

	private final AgentCatalog catalog;

	private final QuietMarkers quiet;

	private final TaskStore store;

	private final Responder responder;

	private final Clock clock;

	private final SpoolProperties properties;

	private final LiveAnswers live;

	private final ClaimCheck checks;

	private final ApplicationEventPublisher events;

	// Made anew at each start: a context may be stopped and started again (Spring's test context cache pauses the
	// contexts not in use), and a stopped executor takes no more work.
	private volatile ThreadPoolTaskScheduler scheduler;

	private volatile ExecutorService drains;

	private volatile ExecutorService calls;

	private final Map<String, List<AgentWorker>> workers = new ConcurrentHashMap<>();

	private final List<ScheduledFuture<?>> schedules = new ArrayList<>();

	private volatile boolean running;

	AgentSupervisor(AgentCatalog catalog, QuietMarkers quiet, TaskStore store, Responder responder, LiveAnswers live, Clock clock,
			SpoolProperties properties, ClaimCheck checks, ApplicationEventPublisher events) {
		this.live = live;
		this.checks = checks;
		this.events = events;
		this.catalog = catalog;
		this.quiet = quiet;
		this.store = store;
		this.responder = responder;
		this.clock = clock;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		try {
			this.catalog.writeDefaultsIfEmpty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write the default agent definitions", ex);
		}
		this.catalog.reload();
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setPoolSize(2);
		this.scheduler.setThreadNamePrefix("spool-schedule-");
		this.scheduler.setDaemon(true);
		this.scheduler.initialize();
		this.drains = Executors.newCachedThreadPool(named("spool-agent-"));
		this.calls = Executors.newCachedThreadPool(named("spool-answer-"));
		this.running = true;
		reconcile();
		// A safety net: agents are woken the moment work appears, and look again this often whatever happens.
		this.schedules.add(this.scheduler.scheduleWithFixedDelay(this::wakeAll, this.properties.wakeInterval()));
		this.schedules.add(this.scheduler.scheduleWithFixedDelay(this::heartbeat, this.properties.heartbeatInterval()));
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		this.schedules.forEach((schedule) -> schedule.cancel(false));
		this.schedules.clear();
		this.workers.values().forEach((slots) -> slots.forEach(AgentWorker::stop));
		this.workers.clear();
		this.scheduler.shutdown();
		// Cut the attempts short (a command is ended with all it started); each worker then hands its claim back
		// before its thread ends.
		this.calls.shutdownNow();
		this.drains.shutdown();
		try {
			if (!this.drains.awaitTermination(10, TimeUnit.SECONDS)) {
				this.drains.shutdownNow();
			}
			this.calls.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@EventListener
	void on(AgentsFolderChanged changed) {
		if (this.catalog.reload() && this.running) {
			reconcile();
		}
		else {
			// A quiet marker removed: the agent takes tasks again at once.
			wakeAll();
		}
	}

	@EventListener
	void on(TaskChanged changed) {
		// Any change of state may free work: a new or returned task, a dependency done or its output linked, or a
		// pipeline stage that started, whose next stage reads it as it is written. So may any change to a pending
		// task: its file is now known whole (closed by its writer, or unchanged for its settling time), or edited.
		if (changed instanceof TaskChanged.Vanished) {
			return;
		}
		if (!(changed instanceof TaskChanged.Updated updated) || updated.after().state() == TaskState.PENDING
				|| (!updated.before().hasOutput() && updated.after().hasOutput())) {
			wakeAll();
		}
	}

	/** Wakes an agent's slots, so that a resumed agent takes its next task without waiting for the next tick. */
	void wake(String agent) {
		if (this.running) {
			workers(agent).forEach(AgentWorker::wake);
		}
	}

	/** Workers of one agent, for status pages. */
	List<AgentWorker> workers(String agent) {
		return this.workers.getOrDefault(agent, List.of());
	}

	private synchronized void reconcile() {
		if (!this.running) {
			return;
		}
		for (String agent : new ArrayList<>(this.workers.keySet())) {
			if (this.catalog.find(agent).isEmpty()) {
				this.workers.remove(agent).forEach(AgentWorker::stop);
			}
		}
		// Before any slot of theirs claims: what features take from the definitions (daily budgets) is in place.
		this.events.publishEvent(new AgentsDefined(this.catalog.all()));
		for (AgentDefinition definition : this.catalog.all()) {
			if (definition.outside()) {
				// A program outside Spool is this agent; its definition only says what it is for.
				List<AgentWorker> running = this.workers.remove(definition.name());
				if (running != null) {
					running.forEach(AgentWorker::stop);
				}
				continue;
			}
			List<AgentWorker> slots = new ArrayList<>(this.workers.getOrDefault(definition.name(), List.of()));
			while (slots.size() > definition.concurrency()) {
				slots.remove(slots.size() - 1).stop();
			}
			while (slots.size() < definition.concurrency()) {
				slots.add(new AgentWorker(definition.name(), this.catalog, this.quiet, this.store, this.responder, this.live, this.drains,
						this.calls, this.clock, this.properties.taskTimeout(), this.properties.retryBackoff(),
						this.checks));
			}
			this.workers.put(definition.name(), List.copyOf(slots));
		}
		wakeAll();
	}

	private void wakeAll() {
		if (this.running && this.store.index().hasClaimable()) {
			this.workers.values().forEach((slots) -> slots.forEach(AgentWorker::wake));
		}
	}

	private void heartbeat() {
		this.workers.values().forEach((slots) -> slots.forEach(AgentWorker::heartbeat));
	}

	private static ThreadFactory named(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
