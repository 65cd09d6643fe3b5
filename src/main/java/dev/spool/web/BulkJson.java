package dev.spool.web;

import java.util.List;

/**
 * What {@code POST /api/tasks/bulk} did.
 *
 * @param action the verb
 * @param changed the tasks it changed
 * @param skipped the tasks it left as they were, each with why
 * @param summary the same in one sentence, as the board says it
 */
record BulkJson(String action, List<String> changed, List<BulkActions.Skipped> skipped, String summary) {

	static BulkJson of(BulkActions.Outcome outcome) {
		return new BulkJson(outcome.action(), outcome.changed(), outcome.skipped(), outcome.summary());
	}

}
