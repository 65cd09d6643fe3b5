package dev.spool.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command's process and every process it started. Descendants are remembered while the command runs, since one
 * whose parent has exited is no longer found under the command.
 */
final class ProcessTree {

	/** How long the processes get to exit after SIGKILL before Spool stops waiting for them. */
	private static final Duration KILL_WAIT = Duration.ofSeconds(5);

	private final ProcessHandle root;

	private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();

	ProcessTree(ProcessHandle root) {
		this.root = root;
	}

	/** Notes the processes the command has started so far. */
	void remember() {
		this.root.descendants().forEach(this.known::add);
	}

	/**
	 * Ends the command and all it started: SIGTERM to each, then SIGKILL to those still alive after {@code grace}.
	 * Returns once they have exited (or after a bounded wait); an interrupt cuts the grace short, not the kill.
	 */
	void end(Duration grace) {
		boolean interrupted = Thread.interrupted();
		remember();
		List<ProcessHandle> all = alive();
		all.forEach(ProcessHandle::destroy);
		// Whatever was started between the first look and the signals.
		remember();
		alive().forEach(ProcessHandle::destroy);
		if (!interrupted) {
			interrupted = !awaitExit(grace);
		}
		List<ProcessHandle> stubborn = alive();
		if (!stubborn.isEmpty()) {
			stubborn.forEach(ProcessHandle::destroyForcibly);
			interrupted |= !awaitExit(KILL_WAIT);
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private List<ProcessHandle> alive() {
		List<ProcessHandle> alive = new ArrayList<>();
		if (this.root.isAlive()) {
			alive.add(this.root);
		}
		this.known.stream().filter(ProcessHandle::isAlive).forEach(alive::add);
		return alive;
	}

	/** Waits for every process to exit; false when interrupted. */
	private boolean awaitExit(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		for (ProcessHandle process : alive()) {
			try {
				process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				return true;
			}
			catch (InterruptedException ex) {
				return false;
			}
			catch (ExecutionException ex) {
				// onExit never completes exceptionally; nothing to wait for.
			}
		}
		return true;
	}

}
