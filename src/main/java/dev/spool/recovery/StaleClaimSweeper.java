package dev.spool.recovery;

import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.Durations;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskFile;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

/**
 * Returns in-progress tasks whose heartbeat has stopped to pending, counting the attempt. A heartbeat is a touch of
 * the in-progress file; its modification time is compared only with itself, never with this host's wall clock, and
 * how long it has stayed unchanged is measured on this process's own monotonic {@link Clock}.
 */
public final class StaleClaimSweeper {

	private static final Log logger = LogFactory.getLog(StaleClaimSweeper.class);

	private final TaskStore store;

	private final Clock clock;

	private final Duration staleAfter;

	private final Duration quietAfter;

	private final Map<TaskFile, Observation> observations = new ConcurrentHashMap<>();

	private final Set<TaskFile> reportedQuiet = ConcurrentHashMap.newKeySet();

	private final Consumer<ClaimQuietChanged> quietChanges;

	/**
	 * @param staleAfter how long a heartbeat may stay unchanged before the claim is taken back
	 * @param heartbeatInterval how often agents beat; a claim that misses two beats is shown as quiet
	 */
	public StaleClaimSweeper(TaskStore store, Clock clock, Duration staleAfter, Duration heartbeatInterval) {
		this(store, clock, staleAfter, heartbeatInterval, (change) -> {
		});
	}

	/**
	 * @param quietChanges told when a claim goes quiet and when its heartbeat comes back, so that pages showing the
	 * flag can refresh: no file changes at either moment
	 */
	public StaleClaimSweeper(TaskStore store, Clock clock, Duration staleAfter, Duration heartbeatInterval,
			Consumer<ClaimQuietChanged> quietChanges) {
		this.quietChanges = quietChanges;
		this.store = store;
		this.clock = clock;
		this.staleAfter = staleAfter;
		Duration twoBeats = heartbeatInterval.multipliedBy(2);
		this.quietAfter = (twoBeats.compareTo(staleAfter) < 0) ? twoBeats : staleAfter.dividedBy(2);
	}

	/** Looks at every claim once; takes back those whose heartbeat has not changed for {@code stale-after}. */
	public void sweep() {
		Instant now = this.clock.instant();
		Set<TaskFile> seen = new HashSet<>();
		for (Task task : this.store.index().queries().newestFirst(TaskState.IN_PROGRESS)) {
			if (task.state() != TaskState.IN_PROGRESS) {
				continue;
			}
			TaskFile file = task.file();
			Optional<FileTime> touched = this.store.lastTouched(file);
			if (touched.isEmpty()) {
				continue;
			}
			seen.add(file);
			Observation last = this.observations.get(file);
			if (last == null || !last.touched().equals(touched.get())) {
				this.observations.put(file, new Observation(touched.get(), now));
				report(file, false);
			}
			else if (Duration.between(last.since(), now).compareTo(this.staleAfter) >= 0) {
				takeBack(file, Duration.between(last.since(), now));
				seen.remove(file);
			}
			else if (Duration.between(last.since(), now).compareTo(this.quietAfter) >= 0) {
				report(file, true);
			}
		}
		this.observations.keySet().retainAll(seen);
		this.reportedQuiet.retainAll(seen);
	}

	private void report(TaskFile file, boolean quiet) {
		boolean changed = quiet ? this.reportedQuiet.add(file) : this.reportedQuiet.remove(file);
		if (changed) {
			this.quietChanges.accept(new ClaimQuietChanged(file.id(), quiet));
		}
	}

	private void takeBack(TaskFile file, Duration silent) {
		// Measured, the silence is a few milliseconds past a whole second; people read it in seconds.
		Duration said = (silent.toSeconds() > 0) ? Duration.ofSeconds(silent.toSeconds()) : silent;
		String reason = file.owner() + " sent no heartbeat for " + Durations.readable(said)
				+ " (spool.stale-after is " + Durations.describe(this.staleAfter) + ")";
		this.store.requeueStale(file, reason)
			.ifPresent((next) -> logger.warn("Took back " + file.id() + ": " + reason + "; it is now "
					+ next.word()));
	}

	/** How long a claim's heartbeat has been unchanged, when it is longer than two heartbeats; empty otherwise. */
	public Optional<Duration> quietFor(TaskFile file) {
		Observation last = this.observations.get(file);
		if (last == null) {
			return Optional.empty();
		}
		Duration silent = Duration.between(last.since(), this.clock.instant());
		return (silent.compareTo(this.quietAfter) >= 0) ? Optional.of(silent) : Optional.empty();
	}

	private record Observation(FileTime touched, Instant since) {
	}

}
