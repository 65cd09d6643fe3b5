package dev.spool.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When this process saw each task in progress claimed, for the dashboard's running timers. The files do not record a
 * claim's start until the attempt ends, so this is a display hint held in memory only: a claim made before this
 * process started has no known start, and its timer is not shown. Used from templates as {@code @claimTimes}.
 */
@Component("claimTimes")
public class ClaimTimes {

	private final Map<TaskId, Instant> claimedAt = new ConcurrentHashMap<>();

	private final Clock clock;

	ClaimTimes(Clock clock) {
		this.clock = clock;
	}

	@EventListener
	void on(TaskChanged changed) {
		if (changed instanceof TaskChanged.Claimed) {
			this.claimedAt.put(changed.id(), this.clock.instant());
		}
		else if (!(changed instanceof TaskChanged.Updated)) {
			this.claimedAt.remove(changed.id());
		}
	}

	/** When the task's current claim was seen, or null when it is not in progress or was claimed unseen. */
	public Instant since(TaskId id) {
		return this.claimedAt.get(id);
	}

	/** How long the task has been in progress, in milliseconds, or null when unknown. */
	public Long runningMillis(String id) {
		Instant since = TaskId.parse(id).map(this.claimedAt::get).orElse(null);
		return (since != null) ? Duration.between(since, this.clock.instant()).toMillis() : null;
	}

}
