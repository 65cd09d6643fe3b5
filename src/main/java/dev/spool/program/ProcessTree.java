package dev.spool.program;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A command's process and every process it started. Descendants are remembered while the command runs, since one
 * whose parent has exited is no longer found under the command.
 */
public final class ProcessTree {

	/** How long the processes get to exit after SIGKILL before Spool stops waiting for them. */
	private static final Duration KILL_WAIT = Duration.ofSeconds(5);

	private static final long POLL_MILLIS = 20;

	private final ProcessHandle root;

	private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();

	public ProcessTree(ProcessHandle root) {
		this.root = root;
	}

	/** Notes the processes the command has started so far. */
	public void remember() {
		this.root.descendants().forEach(this.known::add);
	}

	/**
	 * Ends the command and all it started: SIGTERM to each, then SIGKILL to those still alive after {@code grace}.
	 * Returns once they have exited (or after a bounded wait); an interrupt cuts the grace short, not the kill.
	 */
	public void end(Duration grace) {
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
		if (isRunning(this.root)) {
			alive.add(this.root);
		}
		this.known.stream().filter(ProcessTree::isRunning).forEach(alive::add);
		return alive;
	}

	/** Waits for every process to exit; false when interrupted. */
	private boolean awaitExit(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (!alive().isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a process still runs. Java counts a zombie (exited, not yet reaped by its parent) as alive; one whose
	 * parent is gone is reaped by PID 1, and never if PID 1 does not reap (Java itself as PID 1 in a container).
	 */
	public static boolean isRunning(ProcessHandle process) {
		if (!process.isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			int end = stat.lastIndexOf(')');
			return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
		}
		catch (IOException | RuntimeException ex) {
			// No /proc (not Linux), or the process is gone.
			return process.isAlive();
		}
	}

}
