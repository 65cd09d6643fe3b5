package dev.spool.web;

import java.time.Duration;
import java.time.Instant;

import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;

/**
 * A task as a row of the board.
 *
 * @param id the task's id
 * @param title its title, or the start of its prompt
 * @param state its state word
 * @param owner the agent holding or last holding it
 * @param agent the agent it is routed to, or null
 * @param age how long ago it was created
 * @param attempts attempts made
 * @param reason a one-line reason, for failed or flagged tasks
 * @param quietFor how long the holding agent has been silent, when long enough to worry, or null
 * @param parent the task that submitted it as a subtask, or null
 * @param subtasks how many subtasks it submitted, when known; 0 otherwise
 * @param ageMillis its age in milliseconds, from which the page's timer ticks on, or null when not known
 * @param quietMillis how long the holding agent has been silent, in milliseconds, with {@code quietFor}
 * @param priority its priority: agents take higher ones first
 */
record TaskRow(String id, String title, String state, String owner, String agent, String age, int attempts,
		String reason, String quietFor, String parent, int subtasks, Long ageMillis, Long quietMillis, int priority) {

	static TaskRow of(Task task, StaleClaimSweeper sweeper, Instant now) {
		return of(task, sweeper, now, task.error(), 0);
	}

	/**
	 * A row whose reason also tells a dependency cycle, an unseen agent, or what a pending task waits for, and which
	 * counts its subtasks.
	 */
	static TaskRow of(Task task, StaleClaimSweeper sweeper, Instant now, TaskNotes.Snapshot notes) {
		return of(task, sweeper, now, notes.reason(task), notes.queries().children(task.id()).size());
	}

	private static TaskRow of(Task task, StaleClaimSweeper sweeper, Instant now, String reason, int subtasks) {
		String title = titleOf(task);
		Duration quiet = sweeper.quietFor(task.file()).orElse(null);
		TaskId parent = task.document().parent();
		Long age = (task.createdAt() != null) ? Math.max(0, Duration.between(task.createdAt(), now).toMillis()) : null;
		return new TaskRow(task.id().text(), title, task.state().word(), task.owner(), task.document().agent(),
				Ages.since(task.createdAt(), now), task.attempts(), oneLine(reason),
				(quiet != null) ? Ages.of(quiet) : null, (parent != null) ? parent.text() : null, subtasks, age,
				(quiet != null) ? quiet.toMillis() : null, task.document().priority());
	}

	/** The task's title, or the start of its prompt. */
	static String titleOf(Task task) {
		return (task.title() != null) ? task.title() : firstLine(task.summary());
	}

	private static String firstLine(String text) {
		String line = (text == null) ? "" : text.strip().lines().findFirst().orElse("");
		return (line.length() > 100) ? line.substring(0, 100) + "…" : line;
	}

	private static String oneLine(String text) {
		return (text == null) ? null : firstLine(text.replace('\n', ' '));
	}

}
