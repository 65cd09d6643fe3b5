package dev.spool.workspace;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The limits on subtasks: a task names the task that submitted it as its {@code parent}, which must exist, may not sit
 * deeper than {@link DelegationLimits#maxDepth()} parents down, and may not have submitted {@link DelegationLimits#maxSubtasks()} already.
 * An agent that delegates to itself without end is stopped by these rather than by the disk filling up.
 * <p>
 * Within this process the count holds however many threads submit for one parent at once: a creation checks and
 * publishes while it holds its parent's lock ({@link #admit}), so the next check counts the subtask just published.
 * Across processes sharing a workspace it is best effort (see PROTOCOL.md).
 */
final class Delegation {

	/** Locks shared by parents whose numbers fall together: bounded however many parents there are. */
	private static final int STRIPES = 64;

	private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

	private final TaskIndex index;

	private final DelegationLimits limits;

	Delegation(TaskIndex index, DelegationLimits limits) {
		this.index = index;
		this.limits = limits;
		for (int i = 0; i < STRIPES; i++) {
			this.locks[i] = new ReentrantLock();
		}
	}

	/**
	 * Holds {@code parent}'s lock until the returned admission is closed: a creation checks ({@link #check}) and
	 * publishes its subtask within it, so no other thread of this process counts the parent's subtasks in between.
	 * A task with no parent needs no lock.
	 */
	Admission admit(TaskId parent) {
		if (parent == null) {
			return () -> {
			};
		}
		ReentrantLock lock = this.locks[(int) Math.floorMod(parent.number(), (long) STRIPES)];
		lock.lock();
		return lock::unlock;
	}

	/**
	 * Refuses a new subtask of {@code parent} that would break a limit.
	 * @throws InvalidTaskException saying which limit, and the setting that raises it
	 */
	void check(TaskId parent) {
		if (this.index.find(parent).isEmpty()) {
			throw new InvalidTaskException("its parent " + parent + " does not exist");
		}
		int depth = depthBelow(parent);
		if (depth > this.limits.maxDepth()) {
			throw new InvalidTaskException("a subtask of " + parent + " would be more than " + this.limits.maxDepth()
					+ " subtasks deep, each submitted by the one above (spool.max-delegation-depth)");
		}
		int subtasks = this.index.queries().children(parent).size();
		if (subtasks >= this.limits.maxSubtasks()) {
			throw new InvalidTaskException(parent + " has already submitted " + subtasks
					+ " subtasks, the most one task may (spool.max-subtasks)");
		}
	}

	/**
	 * How deep a subtask of {@code parent} would sit: 1 under a task with no parent. Followed no further than one past
	 * the limit, so a loop of parents written by hand counts as too deep rather than running for ever.
	 */
	private int depthBelow(TaskId parent) {
		Set<TaskId> seen = new HashSet<>();
		int depth = 1;
		Optional<TaskId> above = this.index.find(parent).map((task) -> task.document().parent());
		while (above.isPresent() && depth <= this.limits.maxDepth() && seen.add(above.get())) {
			depth++;
			above = this.index.find(above.get()).map((task) -> task.document().parent());
		}
		return above.isPresent() ? this.limits.maxDepth() + 1 : depth;
	}

	/** A parent's lock, held until closed. */
	@FunctionalInterface
	interface Admission extends AutoCloseable {

		@Override
		void close();

	}

}
