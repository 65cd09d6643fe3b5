package dev.spool.web;

import java.time.Instant;
import java.util.List;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.spool.budget.Budgets;
import dev.spool.budget.TokenTotals;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TokenUsage;

/**
 * A task as the API shows it; {@code prompt} and {@code history} only on the single-task endpoint. {@code tokens} are
 * those of the answer published; {@code totalTokens} those of all its attempts, failed ones included, and
 * {@code costUsd} what they cost where their model has a price; {@code waiting} why a pending task waits for budget.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskJson(String id, String status, String title, String owner, String agent, Integer priority,
		List<String> dependsOn, Instant createdAt, Instant completedAt, int attempts, String error, String output,
		TokenUsage tokens, String model, Boolean offline, String retryOf, String problem, String prompt,
		List<Attempt> history, String role, List<String> waitingFor, String warning, TokenTotals totalTokens,
		BigDecimal costUsd, String waiting) {

	public static TaskJson summary(Task task) {
		return of(task, null, null, null);
	}

	/** A summary with what it waits for and any warning about where it is routed. */
	static TaskJson summary(Task task, TaskNotes.Snapshot notes) {
		return of(task, null, null, notes);
	}

	static TaskJson detail(Task task, String prompt) {
		return of(task, prompt, task.history(), null);
	}

	static TaskJson detail(Task task, String prompt, TaskNotes.Snapshot notes) {
		return of(task, prompt, task.history(), notes);
	}

	private static TaskJson of(Task task, String prompt, List<Attempt> history, TaskNotes.Snapshot notes) {
		Attempt done = task.lastDone();
		TaskId retryOf = task.document().retryOf();
		return new TaskJson(task.id().text(), task.state().word(), task.title(), task.owner(),
				task.document().agent(), task.document().priority(),
				task.dependsOn().stream().map(TaskId::text).toList(), task.createdAt(), task.completedAt(),
				task.attempts(), task.error(), task.hasOutput() ? "/api/tasks/" + task.id() + "/output" : null,
				(done != null) ? done.tokens() : null, (done != null) ? done.model() : null,
				(done != null) ? done.offline() : null, (retryOf != null) ? retryOf.text() : null,
				(notes != null) ? notes.problem(task) : task.problem(), prompt, history, task.document().role(),
				(notes != null) ? notes.waitingFor(task).stream().map(TaskId::text).toList() : null,
				(notes != null) ? notes.warning(task) : null, Budgets.spent(task),
				(notes != null) ? cost(task, notes.budgets()) : null,
				(notes != null) ? notes.waitingForBudget(task) : null);
	}

	/** What all the task's attempts cost, over those whose model has a price; null when none has. */
	static BigDecimal cost(Task task, Budgets budgets) {
		BigDecimal cost = null;
		for (Attempt entry : task.history()) {
			BigDecimal one = (entry.tokens() != null)
					? budgets.cost(entry.model(), TokenTotals.NONE.plus(entry.tokens())) : null;
			if (one != null) {
				cost = (cost != null) ? cost.add(one) : one;
			}
		}
		return cost;
	}

}
