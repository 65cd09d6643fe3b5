package dev.spool.workspace;

/**
 * The limits on subtasks ({@code spool.max-delegation-depth}, {@code spool.max-subtasks}).
 *
 * @param maxDepth how many subtasks deep a task may sit, each submitted by the one above
 * @param maxSubtasks how many subtasks one task may submit in all, finished ones included
 */
record DelegationLimits(int maxDepth, int maxSubtasks) {

	public static final DelegationLimits DEFAULT = new DelegationLimits(5, 100);

	public DelegationLimits {
		if (maxDepth < 1 || maxSubtasks < 1) {
			throw new IllegalArgumentException("delegation limits must be at least 1");
		}
	}

}
