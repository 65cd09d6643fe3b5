package dev.spool.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;

import dev.spool.Durations;
import dev.spool.workspace.Claim;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TokenUsage;
import dev.spool.workspace.TaskStore;

/**
 * One slot of an agent: claims the next task it may take, has its {@link Responder} (a model or a command) answer
 * it, publishes the answer or records the failure, and goes on until nothing is left. Woken by file events and by a
 * periodic tick; never two drains at once.
 */
final class AgentWorker {

	private static final Log logger = LogFactory.getLog(AgentWorker.class);

	private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

	/** How many tasks are offered at a time: enough that a few lost claims leave some to take. */
	private static final int CANDIDATES = 16;

	private final String agent;

	private final AgentCatalog catalog;

	private final QuietMarkers quiet;

	private final TaskStore store;

	private final Responder responder;

	private final Executor drains;

	private final ExecutorService calls;

	private final Clock clock;

	private final Duration taskTimeout;

	private final Duration retryBackoff;

	private final LiveAnswers live;

	private final ClaimCheck checks;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicBoolean wanted = new AtomicBoolean();

	private volatile boolean stopped;

	private volatile Claim current;

	private volatile Future<Outcome> call;

	private volatile Instant lastBeat;

	private volatile Instant pausedUntil = Instant.MIN;

	private volatile String pausedBecause;

	private int consecutiveFailures;

	AgentWorker(String agent, AgentCatalog catalog, QuietMarkers quiet, TaskStore store, Responder responder, LiveAnswers live,
			Executor drains, ExecutorService calls, Clock clock, Duration taskTimeout, Duration retryBackoff,
			ClaimCheck checks) {
		this.live = live;
		this.checks = checks;
		this.agent = agent;
		this.catalog = catalog;
		this.quiet = quiet;
		this.store = store;
		this.responder = responder;
		this.drains = drains;
		this.calls = calls;
		this.clock = clock;
		this.taskTimeout = taskTimeout;
		this.retryBackoff = retryBackoff;
	}

	String agent() {
		return this.agent;
	}

	Optional<Claim> current() {
		return Optional.ofNullable(this.current);
	}

	Optional<Instant> lastBeat() {
		return Optional.ofNullable(this.lastBeat);
	}

	/** Until when this slot takes no task after a failed attempt, and why; empty when it is not pausing. */
	Optional<Pause> pause() {
		Instant until = this.pausedUntil;
		return this.clock.instant().isBefore(until) ? Optional.of(new Pause(until, this.pausedBecause))
				: Optional.empty();
	}

	/** Asks for a drain; returns at once. A wake during a drain makes the drain look again before it ends. */
	void wake() {
		this.wanted.set(true);
		if (!this.stopped && this.running.compareAndSet(false, true)) {
			this.drains.execute(this::drain);
		}
	}

	void stop() {
		this.stopped = true;
	}

	/** Touches the current claim's file; a claim whose file is gone was taken back, so its call is abandoned. */
	void heartbeat() {
		Claim claim = this.current;
		Future<Outcome> running = this.call;
		if (claim == null || (running != null && running.isDone())) {
			// Nothing under way, or the answer is in and being published.
			return;
		}
		if (this.store.heartbeat(claim)) {
			this.lastBeat = this.clock.instant();
			return;
		}
		logger.warn(this.agent + " lost its claim on " + claim.id() + " (cancelled or taken back); abandoning it");
		if (running != null && this.current == claim) {
			running.cancel(true);
		}
	}

	private void drain() {
		try {
			while (this.wanted.getAndSet(false)) {
				while (!this.stopped && this.clock.instant().isAfter(this.pausedUntil) && workOnce()) {
					// Keep taking work until there is none.
				}
			}
		}
		catch (RuntimeException ex) {
			logger.error(this.agent + " hit an unexpected error; it goes on at the next tick", ex);
		}
		finally {
			this.running.set(false);
		}
		if (this.wanted.get() && !this.stopped && this.running.compareAndSet(false, true)) {
			this.drains.execute(this::drain);
		}
	}

	/**
	 * Claims and works on one task, if one may be taken: one this agent's roles let it take, whose rules let it start,
	 * and that every feature's {@link ClaimCheck} allows (that its budget is not spent, for one); none while the agent
	 * is quiet.
	 * @return whether there may be more to take: a task was worked on, or every claim was lost to a faster agent
	 */
	private boolean workOnce() {
		if (this.quiet.isQuiet(this.agent)) {
			return false;
		}
		List<String> roles = this.catalog.find(this.agent).map(AgentDefinition::roles).orElse(List.of());
		List<Task> candidates = this.store.index()
			.claimable(this.agent, roles, (task) -> this.checks.allows(task, this.agent), CANDIDATES);
		for (Task candidate : candidates) {
			Optional<Claim> claim = this.store.claim(candidate, this.agent);
			if (claim.isPresent()) {
				workNamed(claim.get());
				return true;
			}
		}
		return !candidates.isEmpty();
	}

	/** Works on a claim with the task and the agent named in every log line written meanwhile, on any thread. */
	private void workNamed(Claim claim) {
		MDC.put("task", claim.id().text());
		MDC.put("agent", this.agent);
		try {
			work(claim);
		}
		finally {
			MDC.remove("task");
			MDC.remove("agent");
		}
	}

	private static <T> Callable<T> withLogContext(Callable<T> call) {
		Map<String, String> context = MDC.getCopyOfContextMap();
		return () -> {
			if (context != null) {
				MDC.setContextMap(context);
			}
			try {
				return call.call();
			}
			finally {
				MDC.clear();
			}
		};
	}

	private void work(Claim claim) {
		this.current = claim;
		this.lastBeat = this.clock.instant();
		Responder.Spending spending = new Responder.Spending();
		AgentDefinition definition = this.catalog.find(this.agent).orElse(null);
		try {
			if (definition == null) {
				this.store.fail(claim, "agent " + this.agent + " is no longer defined");
				return;
			}
			Responder.Request request = new Responder.Request(claim, definition,
					DependencyHandOver.prompt(this.store, claim.id()), spending);
			this.live.started(claim.id());
			this.call = this.calls.submit(withLogContext(
					() -> this.responder.answer(request, (piece) -> this.live.append(claim.id(), piece))));
			ended(claim, this.call.get(this.taskTimeout.toMillis(), TimeUnit.MILLISECONDS), definition);
		}
		catch (TimeoutException ex) {
			this.call.cancel(true);
			failed(claim, new Outcome.Failed(
					"no answer within " + Durations.describe(this.taskTimeout) + " (spool.task-timeout)", null,
					spending.soFar()));
		}
		catch (ExecutionException ex) {
			failed(claim, new Outcome.Failed(unexpected(ex.getCause()), null, spending.soFar()));
		}
		catch (CancellationException ex) {
			// The claim was lost and the call abandoned; the heartbeat said so. Or Spool is stopping.
			cutShort(claim, definition, spending.soFar());
			releaseIfStopping(claim);
		}
		catch (InterruptedException ex) {
			cutShort(claim, definition, spending.soFar());
			releaseIfStopping(claim);
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			failed(claim, new Outcome.Failed(unexpected(ex), null, spending.soFar()));
		}
		finally {
			this.live.finished(claim.id());
			this.current = null;
			this.call = null;
		}
	}

	private void ended(Claim claim, Outcome outcome, AgentDefinition definition) {
		if (outcome instanceof Outcome.Answered answered) {
			if (this.store.complete(claim, answered.answer(), definition.review())) {
				this.consecutiveFailures = 0;
			}
			else {
				logger.info(this.agent + " finished " + claim.id() + " after losing its claim; nothing published");
				this.store.cutShort(claim, "its claim was lost before its answer could be published",
						answered.answer().model(), answered.tokens());
			}
		}
		else if (outcome instanceof Outcome.Failed failed) {
			failed(claim, failed);
		}
		else if (outcome instanceof Outcome.GaveUp gaveUp) {
			gaveUp(claim, gaveUp);
		}
		else if (outcome instanceof Outcome.Restart restart) {
			restart(claim, restart.reason());
		}
		else if (outcome instanceof Outcome.Waiting waiting) {
			putAside(claim, waiting);
		}
	}

	/** The model waits for other tasks: the task is put aside, holding no slot, until they have ended. */
	private void putAside(Claim claim, Outcome.Waiting waiting) {
		String tasks = String.join(", ", waiting.tasks().stream().map(TaskId::text).sorted().toList());
		if (this.store.putAside(claim, waiting.tasks(), waiting.tokens())) {
			logger.info(this.agent + " put " + claim.id() + " aside until " + tasks + " have ended");
		}
		else {
			logger.info(this.agent + " lost its claim on " + claim.id() + " as it put it aside to wait for " + tasks);
		}
	}

	private static String unexpected(Throwable error) {
		String name = error.getClass().getSimpleName();
		return (error.getMessage() == null || error.getMessage().isBlank()) ? name
				: name + ": " + ProblemText.describe(error);
	}

	/**
	 * Records what an attempt used until it stopped, its claim lost or Spool stopping: without this record the tokens
	 * it spent would vanish from the task's, the agent's and the day's counts.
	 */
	private void cutShort(Claim claim, AgentDefinition definition, TokenUsage tokens) {
		boolean interrupted = Thread.interrupted();
		try {
			this.store.cutShort(claim, this.stopped ? "Spool stopped" : "its claim was taken from it",
					(definition != null) ? definition.model() : null, tokens);
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/** An orderly stop hands the claim back at once, without counting the attempt it cut short. */
	private void releaseIfStopping(Claim claim) {
		if (this.stopped) {
			boolean interrupted = Thread.interrupted();
			if (this.store.release(claim)) {
				logger.info(this.agent + " handed " + claim.id() + " back to pending as Spool stops");
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * The attempt ended through no fault of its own (the fifo stage it read from broke off): the claim goes back to
	 * pending uncounted, and the agent does not pause, since neither it nor its model failed.
	 */
	private void restart(Claim claim, String reason) {
		if (this.stopped) {
			releaseIfStopping(claim);
			return;
		}
		boolean handedBack = this.store.restart(claim, reason);
		logger.info(this.agent + (handedBack ? " handed " + claim.id() + " back without counting the attempt: "
				: " lost its claim on " + claim.id() + " as it gave it back: ") + reason);
	}

	private void failed(Claim claim, Outcome.Failed failed) {
		if (this.stopped) {
			releaseIfStopping(claim);
			return;
		}
		String error = failed.reason();
		Duration retryAfter = failed.retryAfter();
		Optional<TaskState> next = this.store.fail(claim, error, failed.tokens());
		logger.warn(this.agent + " failed " + claim.id() + ": " + error
				+ next.map((state) -> "; it is now " + state.word()).orElse("; its claim was already lost"));
		this.consecutiveFailures++;
		Duration backoff = this.retryBackoff.multipliedBy(1L << Math.min(this.consecutiveFailures - 1, 16));
		if (backoff.compareTo(MAX_BACKOFF) > 0) {
			backoff = MAX_BACKOFF;
		}
		if (retryAfter != null && retryAfter.compareTo(backoff) > 0) {
			backoff = retryAfter;
		}
		this.pausedBecause = error;
		this.pausedUntil = this.clock.instant().plus(backoff);
	}

	/** A task that crossed its own budget fails at once, with the tokens it used; no retry would help. */
	private void gaveUp(Claim claim, Outcome.GaveUp gaveUp) {
		if (this.store.giveUp(claim, gaveUp.reason(), gaveUp.tokens())) {
			logger.warn(this.agent + " stopped " + claim.id() + ": " + gaveUp.reason());
		}
	}

	/**
	 * A slot's pause after a failed attempt.
	 *
	 * @param until when it takes tasks again
	 * @param because the error of the attempt that failed
	 */
	record Pause(Instant until, String because) {
	}

}
