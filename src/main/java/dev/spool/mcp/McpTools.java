package dev.spool.mcp;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import dev.spool.tools.TaskIds;
import dev.spool.tools.TaskRequest;
import dev.spool.tools.TaskVerbs;
import dev.spool.tools.ToolTask;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;

import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Spool as an MCP server: an IDE assistant or any MCP client submits tasks and goals, reads them, lists them, cancels
 * them and waits for them to end. Every result is JSON with the task's {@code id}, as the REST API shows it; a refused
 * call is a tool error of one line that says why, as the API's {@code 400} would, and a failure inside Spool one that
 * says so, never a stack trace (see {@link ToolAnswers}). The endpoint ({@code /mcp}) sits behind the same protections
 * as {@code /api}. The verbs themselves are {@link TaskVerbs}, which agents' tools share.
 */
@Component
class McpTools {

	/** The longest a client may ask {@code wait_task} to wait in one call. */
	static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

	/** The most {@code wait_task} calls that may wait at once: each holds a web server thread while it waits. */
	static final int MOST_WAITS = 32;

	private static final int MAX_LIST = 200;

	private final Semaphore waits = new Semaphore(MOST_WAITS);

	private final TaskVerbs verbs;

	private final Object ended = new Object();

	private final ToolAnswers answers;

	McpTools(TaskVerbs verbs, ToolAnswers answers) {
		this.verbs = verbs;
		this.answers = answers;
	}

	@McpTool(name = "submit_task", description = "Hands a task to Spool's agents and returns it, with its id; "
			+ "follow it with wait_task or get_task.")
	CallToolResult submitTask(@McpToolParam(description = "what the agent is asked to do") String prompt,
			@McpToolParam(description = "a short name for the board", required = false) String title,
			@McpToolParam(description = "only this agent may take the task", required = false) String agent,
			@McpToolParam(description = "only agents listing this role may take the task",
					required = false) String role,
			@McpToolParam(description = "ids of tasks whose results this one needs, such as task_001",
					required = false) List<String> dependsOn,
			@McpToolParam(description = "true: a person approves or rejects the answer before the task is done",
					required = false) Boolean review) {
		return this.answers.answer("submit_task", () -> summary(
				this.verbs.submit(new TaskRequest(prompt, title, agent, role, null, dependsOn, null, review))));
	}

	@McpTool(name = "submit_goal", description = "Hands a goal to the orchestrator, which plans it into subtasks and a "
			+ "final task that combines their results; returns the goal's task, with its id.")
	CallToolResult submitGoal(@McpToolParam(description = "what the plan must achieve") String goal,
			@McpToolParam(description = "a short name for the board", required = false) String title) {
		return this.answers.answer("submit_goal", () -> summary(this.verbs.submitGoal(goal, title, 0, null)));
	}

	@McpTool(name = "get_task", description = "A task: its state, error, and its answer once done.")
	CallToolResult getTask(@McpToolParam(description = "the task's id, such as task_001") String id) {
		return this.answers.answer("get_task", () -> withAnswer(this.verbs.find(id)));
	}

	@McpTool(name = "list_tasks", description = "Tasks, newest first, optionally only those in one state.")
	CallToolResult listTasks(
			@McpToolParam(description = "pending, inprogress, waiting, review, done, failed or cancelled", required = false) String state,
			@McpToolParam(description = "how many, 1 to 200 (default 20)", required = false) BigInteger limit) {
		return this.answers.answer("list_tasks", () -> list(state, limit));
	}

	private List<ToolTask> list(String state, BigInteger limit) {
		int count = (limit != null) ? within(limit, "limit", 1, MAX_LIST) : 20;
		return this.verbs.list(state, 0, count).stream().map(this::summary).toList();
	}

	@McpTool(name = "cancel_task", description = "Cancels a pending or in-progress task; an agent working on it stops "
			+ "and publishes nothing.")
	CallToolResult cancelTask(@McpToolParam(description = "the task's id, such as task_001") String id) {
		return this.answers.answer("cancel_task", () -> summary(this.verbs.cancel(TaskIds.parse(id))));
	}

	@McpTool(name = "wait_task", description = "Waits until a task is done, failed or cancelled, or the time is up, "
			+ "then returns it as get_task does; 'finished' says whether it ended (a done task with its answer).")
	CallToolResult waitTask(@McpToolParam(description = "the task's id, such as task_001") String id,
			@McpToolParam(description = "the longest to wait, in seconds (default 60, at most 300)",
					required = false) BigInteger seconds) {
		return this.answers.answer("wait_task", () -> waitFor(id, seconds));
	}

	ToolTask waitFor(String id, BigInteger seconds) throws InterruptedException {
		TaskId taskId = TaskIds.parse(id);
		Duration patience = Duration.ofSeconds(
				(seconds != null) ? within(seconds, "seconds", 0, (int) LONGEST_WAIT.toSeconds()) : 60);
		long deadline = System.nanoTime() + patience.toNanos();
		Task task = this.verbs.find(taskId);
		if (ended(task) || patience.isZero()) {
			return withAnswer(task);
		}
		if (!this.waits.tryAcquire()) {
			throw new InvalidTaskException("Spool is already waiting for " + MOST_WAITS + " wait_task calls, its most;"
					+ " try again shortly, or poll get_task");
		}
		try {
			synchronized (this.ended) {
				while (!ended(task) && deadline - System.nanoTime() > 0) {
					this.ended.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
					task = this.verbs.find(taskId);
				}
			}
		}
		finally {
			this.waits.release();
		}
		return withAnswer(task);
	}

	/**
	 * A whole number a client sent, checked against its range. Numbers are taken as {@link BigInteger}, so that one too
	 * large for an {@code int} is refused here, in words, rather than by the MCP library's conversion, whose message
	 * names Java classes.
	 */
	private static int within(BigInteger value, String name, int least, int most) {
		if (value.compareTo(BigInteger.valueOf(least)) < 0 || value.compareTo(BigInteger.valueOf(most)) > 0) {
			throw new InvalidTaskException(name + " must be " + least + " to " + most);
		}
		return value.intValue();
	}

	/** How many {@code wait_task} calls are waiting now. */
	int waiting() {
		return MOST_WAITS - this.waits.availablePermits();
	}

	private static boolean ended(Task task) {
		return task.hasEnded();
	}

	@EventListener
	void on(TaskChanged changed) {
		if (changed.after() != null && ended(changed.after())) {
			synchronized (this.ended) {
				this.ended.notifyAll();
			}
		}
	}

	private ToolTask summary(Task task) {
		return ToolTask.of(task, this.verbs.queries());
	}

	private ToolTask withAnswer(Task task) {
		return ToolTask.withAnswer(task, this.verbs.queries(), this.verbs.answer(task.id()).orElse(null));
	}

}
