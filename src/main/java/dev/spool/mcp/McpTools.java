package dev.spool.mcp;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import dev.spool.agent.Routing;
import dev.spool.web.GoalApiController;
import dev.spool.web.TaskIds;
import dev.spool.web.TaskJson;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.ai.mcp.annotation.McpTool;
import org.springframework.ai.mcp.annotation.McpToolParam;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Spool as an MCP server: an IDE assistant or any MCP client submits tasks and goals, reads them, lists them, cancels
 * them and waits for them to end. Every result is JSON with the task's {@code id}, as the REST API shows it; a refused
 * call is a tool error of one line that says why, as the API's {@code 400} would, and a failure inside Spool one that
 * says so, never a stack trace (see {@link ToolAnswers}). The endpoint ({@code /mcp}) sits behind the same protections
 * as {@code /api}.
 */
@Component
class McpTools {

	/** The longest a client may ask {@code wait_task} to wait in one call. */
	static final Duration LONGEST_WAIT = Duration.ofMinutes(5);

	/** The most {@code wait_task} calls that may wait at once: each holds a web server thread while it waits. */
	static final int MOST_WAITS = 32;

	private static final int MAX_LIST = 200;

	private final Semaphore waits = new Semaphore(MOST_WAITS);

	private final TaskStore store;

	private final Routing routing;

	private final Object ended = new Object();

	private final ToolAnswers answers;

	McpTools(TaskStore store, Routing routing, ToolAnswers answers) {
		this.store = store;
		this.routing = routing;
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
					required = false) List<String> dependsOn) {
		return this.answers.answer("submit_task", () -> {
			List<TaskId> dependencies = (dependsOn != null) ? dependsOn.stream().map(TaskIds::parse).toList() : List.of();
			NewTask task = new NewTask(prompt, title, agent, role, null, 0, dependencies, null, null, null);
			this.routing.check(task);
			return McpTask.of(this.store.create(task));
		});
	}

	@McpTool(name = "submit_goal", description = "Hands a goal to the orchestrator, which plans it into subtasks and a "
			+ "final task that combines their results; returns the goal's task, with its id.")
	CallToolResult submitGoal(@McpToolParam(description = "what the plan must achieve") String goal,
			@McpToolParam(description = "a short name for the board", required = false) String title) {
		return this.answers.answer("submit_goal",
				() -> McpTask.of(this.store.create(GoalApiController.createGoal(goal, title, 0))));
	}

	@McpTool(name = "get_task", description = "A task: its state, error, and its answer once done.")
	CallToolResult getTask(@McpToolParam(description = "the task's id, such as task_001") String id) {
		return this.answers.answer("get_task", () -> withAnswer(find(TaskIds.parse(id))));
	}

	@McpTool(name = "list_tasks", description = "Tasks, newest first, optionally only those in one state.")
	CallToolResult listTasks(
			@McpToolParam(description = "pending, inprogress, done, failed or cancelled", required = false) String state,
			@McpToolParam(description = "how many, 1 to 200 (default 20)", required = false) BigInteger limit) {
		return this.answers.answer("list_tasks", () -> list(state, limit));
	}

	private List<McpTask> list(String state, BigInteger limit) {
		int count = (limit != null) ? within(limit, "limit", 1, MAX_LIST) : 20;
		TaskState only = (state != null && !state.isBlank()) ? TaskState.fromWord(state.strip())
			.orElseThrow(() -> new InvalidTaskException(
					"unknown state '" + state + "': use pending, inprogress, done, failed or cancelled")) : null;
		return this.store.index().queries().page(only, 0, count).stream().map(McpTask::of).toList();
	}

	@McpTool(name = "cancel_task", description = "Cancels a pending or in-progress task; an agent working on it stops "
			+ "and publishes nothing.")
	CallToolResult cancelTask(@McpToolParam(description = "the task's id, such as task_001") String id) {
		return this.answers.answer("cancel_task", () -> McpTask.of(this.store.cancel(TaskIds.parse(id))));
	}

	@McpTool(name = "wait_task", description = "Waits until a task is done, failed or cancelled, or the time is up, "
			+ "then returns it as get_task does; 'finished' says whether it ended (a done task with its answer).")
	CallToolResult waitTask(@McpToolParam(description = "the task's id, such as task_001") String id,
			@McpToolParam(description = "the longest to wait, in seconds (default 60, at most 300)",
					required = false) BigInteger seconds) {
		return this.answers.answer("wait_task", () -> waitFor(id, seconds));
	}

	McpTask waitFor(String id, BigInteger seconds) throws InterruptedException {
		TaskId taskId = TaskIds.parse(id);
		Duration patience = Duration.ofSeconds(
				(seconds != null) ? within(seconds, "seconds", 0, (int) LONGEST_WAIT.toSeconds()) : 60);
		long deadline = System.nanoTime() + patience.toNanos();
		Task task = find(taskId);
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
					task = find(taskId);
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

	/** Finished, and if done, with its answer: an agent renames the task to done a moment before linking the answer. */
	private static boolean ended(Task task) {
		return task.state().isFinished() && (task.state() != TaskState.DONE || task.hasOutput());
	}

	@EventListener
	void on(TaskChanged changed) {
		if (changed.after() != null && ended(changed.after())) {
			synchronized (this.ended) {
				this.ended.notifyAll();
			}
		}
	}

	private Task find(TaskId id) {
		return this.store.index().find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	private McpTask withAnswer(Task task) {
		return new McpTask(TaskJson.summary(task), ended(task),
				this.store.readOutput(task.id()).orElse(null));
	}

	/** A task as an MCP tool returns it: as the API shows it, with whether it ended and its answer once there. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record McpTask(@JsonUnwrapped TaskJson task, Boolean finished, String answer) {

		static McpTask of(Task task) {
			return new McpTask(TaskJson.summary(task), null, null);
		}

	}

}
