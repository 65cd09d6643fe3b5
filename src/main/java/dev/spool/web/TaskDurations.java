package dev.spool.web;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;

/**
 * How long a task waited for an agent and how long agents worked on it, for its page. A duration still growing (a
 * pending task's wait, the current claim's run) is marked live, so that the page counts it up second by second.
 *
 * @param waited time from creation to the first claim, or until now while it is first waiting; null if unknown
 * @param waitingNow whether {@code waited} is still growing
 * @param ran time agents spent on it over all attempts, the current one included; null if none is known
 * @param runningNow whether {@code ran} is still growing
 */
record TaskDurations(Duration waited, boolean waitingNow, Duration ran, boolean runningNow) {

	static TaskDurations of(Task task, Instant claimedAt, Instant now) {
		List<Attempt> history = task.history();
		Instant firstClaim = history.stream()
			.map(Attempt::startedAt)
			.filter((start) -> start != null)
			.findFirst()
			.orElse((task.state() == TaskState.IN_PROGRESS) ? claimedAt : null);
		boolean waiting = firstClaim == null && task.state() == TaskState.PENDING;
		Instant waitEnd = (firstClaim != null) ? firstClaim : waiting ? now : null;
		Duration waited = (waitEnd != null && task.createdAt() != null) ? between(task.createdAt(), waitEnd) : null;
		Duration ran = history.stream()
			.filter((attempt) -> attempt.startedAt() != null && attempt.finishedAt() != null)
			.map((attempt) -> between(attempt.startedAt(), attempt.finishedAt()))
			.reduce(Duration::plus)
			.orElse(null);
		boolean running = task.state() == TaskState.IN_PROGRESS && claimedAt != null;
		if (running) {
			ran = ((ran != null) ? ran : Duration.ZERO).plus(between(claimedAt, now));
		}
		return new TaskDurations(waited, waiting, ran, running);
	}

	/** The wait in milliseconds, or null. */
	public Long waitedMillis() {
		return (this.waited != null) ? this.waited.toMillis() : null;
	}

	/** The run in milliseconds, or null. */
	public Long ranMillis() {
		return (this.ran != null) ? this.ran.toMillis() : null;
	}

	private static Duration between(Instant from, Instant to) {
		Duration duration = Duration.between(from, to);
		return duration.isNegative() ? Duration.ZERO : duration;
	}

}
