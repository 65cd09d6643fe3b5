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
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.MDC;

import dev.spool.Durations;
import dev.spool.budget.AttemptMeter;
import dev.spool.budget.Budgets;
import dev.spool.pipeline.PipeTransport;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Claim;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TokenUsage;

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

	private final TaskStore store;

	private final Responder responder;

	private final Executor drains;

	private final ExecutorService calls;

	private final Clock clock;

	private final Duration taskTimeout;

	private final Duration retryBackoff;

	private final LiveAnswers live;

	private final PipeTransport pipes; // spool: pipelines

	private final Budgets budgets; // spool: budgets

	private volatile AttemptMeter meter; // spool: budgets

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicBoolean wanted = new AtomicBoolean();

	private volatile boolean stopped;

	private volatile Claim current;

	private volatile Future<Answer> call;

	private volatile Instant lastBeat;

	private volatile Instant pausedUntil = Instant.MIN;

	private volatile String pausedBecause;

	private int consecutiveFailures;

	AgentWorker(String agent, AgentCatalog catalog, TaskStore store, Responder responder, LiveAnswers live,
			Executor drains, ExecutorService calls, Clock clock, Duration taskTimeout, Duration retryBackoff,
			PipeTransport pipes, Budgets budgets) {
		this.live = live;
		this.pipes = pipes;
		this.budgets = budgets; // spool: budgets
		this.agent = agent;
		this.catalog = catalog;
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
		Future<Answer> running = this.call;
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
	 * and whose budget (the workspace's, the agent's and its own) is not spent.
	 * @return whether there may be more to take: a task was worked on, or every claim was lost to a faster agent
	 */
	private boolean workOnce() {
		List<String> roles = this.catalog.find(this.agent).map(AgentDefinition::roles).orElse(List.of());
		List<Task> candidates = this.store.index()
			.claimable(this.agent, roles, (task) -> this.budgets.refusal(task, this.agent).isEmpty(), CANDIDATES);
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
		try {
			AgentDefinition definition = this.catalog.find(this.agent).orElse(null);
			if (definition == null) {
				this.store.fail(claim, "agent " + this.agent + " is no longer defined");
				return;
			}
			String prompt = DependencyHandOver.prompt(this.store, claim.id());
			// spool: budgets. A command is sent the prompt only; a model the system prompt too.
			AttemptMeter meter = this.budgets.meter(claim.id(),
					definition.runsCommand() ? null : definition.systemPrompt(), prompt);
			this.meter = meter;
			this.live.started(claim.id());
			this.call = this.calls.submit(withLogContext(() -> ask(claim, definition, prompt, meter)));
			Answer answer = withTokens(this.call.get(this.taskTimeout.toMillis(), TimeUnit.MILLISECONDS));
			if (this.store.complete(claim, answer)) {
				this.consecutiveFailures = 0;
			}
			else {
				logger.info(this.agent + " finished " + claim.id() + " after losing its claim; nothing published");
			}
		}
		catch (TimeoutException ex) {
			this.call.cancel(true);
			failed(claim, "no answer within " + Durations.describe(this.taskTimeout) + " (spool.task-timeout)", null);
		}
		catch (ExecutionException ex) {
			if (this.meter.overBudget()) { // spool: budgets
				overBudget(claim);
				return;
			}
			if (ex.getCause() instanceof PipeTransport.WriterFailedException writerFailed) { // spool: pipelines
				restart(claim, writerFailed.getMessage());
				return;
			}
			if (ex.getCause() instanceof AnswerFailedException answerFailed) {
				failed(claim, answerFailed.reason(), answerFailed.retryAfter());
				return;
			}
			failed(claim, (ex.getCause() instanceof PipeTransport.PipeException) ? ex.getCause().getMessage() // spool: pipelines
					: unexpected(ex.getCause()), null);
		}
		catch (CancellationException ex) {
			// The claim was lost and the call abandoned; the heartbeat said so. Or Spool is stopping.
			releaseIfStopping(claim);
		}
		catch (InterruptedException ex) {
			releaseIfStopping(claim);
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			failed(claim, unexpected(ex), null);
		}
		finally {
			this.live.finished(claim.id());
			this.current = null;
			this.call = null;
			this.meter = null; // spool: budgets
		}
	}

	// spool: pipelines. A fifo stage reads the previous stage's answer from its pipe before it is answered, and
	// streams its own answer into the pipe to the next stage; the pipe is closed and removed before the attempt ends.
	// The meter is this attempt's own: a piece a cut-off stream delivers late, on the model client's thread, counts
	// against the attempt that asked for it, never against the slot's next claim (or meets no meter at all).
	private Answer ask(Claim claim, AgentDefinition definition, String prompt, AttemptMeter meter)
			throws InterruptedException {
		try (PipeTransport.Sink sink = this.pipes.output(claim)) {
			Responder.Request request = new Responder.Request(claim.id(), definition, this.pipes.input(claim, prompt));
			// A broken pipe to the next stage ends the attempt as such, whatever the responder makes of it.
			AtomicReference<RuntimeException> sinkFailed = new AtomicReference<>();
			Answer answer;
			try {
				answer = this.responder.answer(request, (piece) -> {
					this.live.append(claim.id(), piece);
					meter.streamed(piece); // spool: budgets
					try {
						sink.accept(piece);
					}
					catch (RuntimeException ex) {
						sinkFailed.set(ex);
						throw ex;
					}
				});
			}
			catch (RuntimeException ex) {
				throw (sinkFailed.get() != null) ? sinkFailed.get() : ex;
			}
			sink.finish();
			return answer;
		}
	}

	private static String unexpected(Throwable error) {
		String name = error.getClass().getSimpleName();
		return (error.getMessage() == null || error.getMessage().isBlank()) ? name
				: name + ": " + ProblemText.describe(error);
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

	private void failed(Claim claim, String error, Duration retryAfter) {
		if (this.stopped) {
			releaseIfStopping(claim);
			return;
		}
		Optional<TaskState> next = this.store.fail(claim, error, tokensSoFar()); // spool: budgets
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

	// spool: budgets. A task that crossed its own budget fails at once, with the tokens it used; no retry would help.
	private void overBudget(Claim claim) {
		String reason = this.meter.reason();
		if (this.store.giveUp(claim, reason, tokensSoFar())) {
			logger.warn(this.agent + " stopped " + claim.id() + ": " + reason);
		}
	}

	// spool: budgets. A command, or a server that streams no usage, still spent tokens: the answer records an estimate.
	private Answer withTokens(Answer answer) {
		if (answer.tokens() != null || this.meter == null) {
			return answer;
		}
		return new Answer(answer.text(), answer.model(), answer.offline(), this.meter.estimate(answer.text()));
	}

	// spool: budgets. A failed attempt records what it used: an estimate, since the model reports usage only at the end.
	private TokenUsage tokensSoFar() {
		AttemptMeter attempt = this.meter;
		return (attempt != null) ? attempt.estimate() : null;
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
