package dev.spool.tools;

import java.util.List;
import java.util.Optional;

import dev.spool.agent.Routing;
import dev.spool.workspace.GoalStep;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.stereotype.Component;

/**
 * Spool's verbs as every door into it uses them, the REST API, the MCP server and agents' tools alike, so that a task
 * submitted through any of them is checked the same way. A refusal throws {@link InvalidTaskException} (or
 * {@link TaskNotFoundException}) with a message meant for whoever sent the request.
 */
@Component
public class TaskVerbs {

	private final TaskStore store;

	private final Routing routing;

	TaskVerbs(TaskStore store, Routing routing) {
		this.store = store;
		this.routing = routing;
	}

	/**
	 * Writes a new pending task.
	 * @throws InvalidTaskException if a field is wrong, no agent lists its role, or a limit on delegation refuses it
	 */
	public Task submit(TaskRequest request) {
		NewTask task = newTask(request);
		this.routing.check(task);
		return this.store.create(task);
	}

	private static NewTask newTask(TaskRequest request) {
		List<TaskId> dependsOn = (request.dependsOn() != null)
				? request.dependsOn().stream().map(TaskIds::parse).toList() : List.of();
		TaskId parent = (request.parent() != null) ? TaskIds.parse(request.parent()) : null;
		return new NewTask(request.prompt(), request.title(), request.agent(), request.role(), null,
				(request.priority() != null) ? request.priority() : 0, dependsOn, null, null, null, parent)
			.withReview(request.reviewed());
	}

	/**
	 * Writes the subtask a model's tool call asks for, once per call: made again with the same call id, it answers with
	 * the task the first made (see {@link TaskStore#createOnce}).
	 */
	public Task submitOnce(TaskRequest request, String callId) {
		NewTask task = newTask(request);
		this.routing.check(task);
		return this.store.createOnce(task.parent(), callId, task);
	}

	/**
	 * Writes the next step of a goal the orchestrator works as a conversation, once per call: a task of the goal
	 * ({@code goal}, {@code step} numbered from 1 in the order submitted) and its subtask ({@code parent}).
	 * @throws InvalidTaskException if a field is wrong, or the goal already has {@code maxSteps} steps
	 */
	public Task submitStepOnce(TaskId goal, TaskRequest request, String callId, int maxSteps) {
		Optional<TaskId> made = this.store.madeBy(goal, callId);
		if (made.isPresent()) {
			return find(made.get());
		}
		long steps = queries().children(goal).stream().filter((task) -> task.document().goal() != null).count();
		if (steps >= maxSteps) {
			throw new InvalidTaskException("the goal " + goal + " has " + steps + " steps already, the most a goal may "
					+ "have (spool.max-plan-steps): combine what they found into the answer");
		}
		NewTask task = newTask(request);
		NewTask step = new NewTask(task.prompt(), task.title(), task.agent(), task.role(), null, task.priority(),
				task.dependsOn(), null, null, new GoalStep(goal, String.valueOf(steps + 1)), goal)
			.withReview(task.review());
		this.routing.check(step);
		return this.store.createOnce(goal, callId, step);
	}

	/** Writes the goal a model's tool call asks for, once per call, as {@link #submitOnce} does a task. */
	public Task submitGoalOnce(String goal, String title, TaskId parent, String callId) {
		return this.store.createOnce(parent, callId, NewTask.goal(goal, title, 0, parent));
	}

	/**
	 * Writes a new goal for the orchestrator to plan.
	 * @throws InvalidTaskException if the goal is empty or a limit on delegation refuses it
	 */
	public Task submitGoal(String goal, String title, int priority, TaskId parent) {
		return this.store.create(NewTask.goal(goal, title, priority, parent));
	}

	/**
	 * The task of that id.
	 * @throws InvalidTaskException if the text is no task id
	 * @throws TaskNotFoundException if no such task is known
	 */
	public Task find(String id) {
		return find(TaskIds.parse(id));
	}

	/** The task of that id; throws {@link TaskNotFoundException} if no such task is known. */
	public Task find(TaskId id) {
		return known(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/** The task of that id, or empty if no such task is known. */
	public Optional<Task> known(TaskId id) {
		return this.store.index().find(id);
	}

	/** Whether {@code ancestor} submitted the task, or a task it submitted did, and so on. */
	public boolean submittedBy(Task task, TaskId ancestor) {
		return this.store.index().submittedBy(task, ancestor);
	}

	/**
	 * Tasks, newest first, optionally only those in one state.
	 * @throws InvalidTaskException if the state is no state's word
	 */
	public List<Task> list(String state, int offset, int limit) {
		TaskState only = (state != null && !state.isBlank()) ? TaskState.fromWord(state.strip())
			.orElseThrow(() -> new InvalidTaskException(
					"unknown state '" + state + "': use " + TaskState.words())) : null;
		return queries().page(only, offset, limit);
	}

	/** Cancels a pending or in-progress task; see {@link TaskStore#cancel}. */
	public Task cancel(TaskId id) {
		return this.store.cancel(id);
	}

	/** The answer of a done task, without its header, read as {@link TaskStore#readOutput} reads it. */
	public Optional<String> answer(TaskId id) {
		return this.store.readOutput(id);
	}

	public TaskQueries queries() {
		return this.store.index().queries();
	}

}
