package dev.spool.tools;

import java.time.Instant;
import java.util.List;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.spool.budget.Budgets;
import dev.spool.budget.TokenTotals;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TokenUsage;

/**
 * A task as the API, the MCP server and agents' tools show it; {@code prompt} and {@code history} only on the
 * single-task endpoint. {@code tokens} are those of the answer published; {@code totalTokens} those of all its
 * attempts, failed ones included, and {@code costUsd} what they cost where their model has a price; {@code waiting}
 * why a pending task waits for budget; {@code parent} the task that submitted it and {@code children} the subtasks it
 * submitted.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskJson(String id, String status, String title, String owner, String agent, Integer priority,
		List<String> dependsOn, Instant createdAt, Instant completedAt, int attempts, String error, String output,
		TokenUsage tokens, String model, Boolean offline, String retryOf, String problem, String prompt,
		List<Attempt> history, String role, List<String> waitingFor, String warning, TokenTotals totalTokens,
		BigDecimal costUsd, String waiting, String parent, List<String> children) {

	/** A summary with its subtasks. */
	public static TaskJson summary(Task task, TaskQueries queries) {
		return of(task, null, null, null, queries);
	}

	/** A summary with what it waits for, any warning about where it is routed, and its subtasks. */
	public static TaskJson summary(Task task, Notes notes) {
		return of(task, null, null, notes, notes.queries());
	}

	/** The task whole: its prompt, its attempts, what it waits for and its subtasks. */
	public static TaskJson detail(Task task, String prompt, Notes notes) {
		return of(task, prompt, task.history(), notes, notes.queries());
	}

	private static TaskJson of(Task task, String prompt, List<Attempt> history, Notes notes, TaskQueries queries) {
		Attempt done = task.lastDone();
		TaskId retryOf = task.document().retryOf();
		TaskId parent = task.document().parent();
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
				(notes != null) ? notes.waitingForBudget(task) : null, (parent != null) ? parent.text() : null,
				queries.children(task.id()).stream().map((child) -> child.id().text()).toList());
	}

	/** What all the task's attempts cost, over those whose model has a price; null when none has. */
	public static BigDecimal cost(Task task, Budgets budgets) {
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

	/** What is known of a task beyond its file, taken at one moment for a page of tasks. */
	public interface Notes {

		TaskQueries queries();

		Budgets budgets();

		/** Its own problem, or for a pending task the problem with what it depends on; null when none. */
		String problem(Task task);

		/** The unfinished tasks a pending task waits for. */
		List<TaskId> waitingFor(Task task);

		/** Why its routing is worth a look, or null. */
		String warning(Task task);

		/** Why a pending task waits for budget, or null. */
		String waitingForBudget(Task task);

	}

}
