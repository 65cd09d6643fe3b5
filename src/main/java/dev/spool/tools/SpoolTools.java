package dev.spool.tools;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import dev.spool.agent.WaitingTool;
import dev.spool.agent.Waits;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.stereotype.Component;

/**
 * Spool's own tools for a model agent ({@code tools: [spool]} in its definition), made for one attempt of one task:
 * the MCP server's tools, by the same names and arguments ({@code submit_task}, {@code submit_goal},
 * {@code get_task}, {@code list_tasks}, {@code cancel_task}) and {@code read_answer}, on the same
 * {@link TaskVerbs}, and {@code wait_task}, which waits holding no slot. What an agent submits is its task's subtask ({@code parent}), within the limits on delegation.
 * It may read any task of the workspace and its answer (the workspace is shared, and tasks are named by id, never by
 * path, so nothing outside {@code tasks/} and {@code outputs/} can be reached), but cancel only its own subtasks and
 * theirs.
 */
@Component
public class SpoolTools {

	/** The most of an answer {@code get_task} shows; {@code read_answer} reads the rest. */
	static final int ANSWER_PREVIEW_CHARS = 2_000;

	/** The most of an answer one {@code read_answer} call returns. */
	static final int ANSWER_PART_CHARS = 16_000;

	private static final int MAX_LIST = 200;

	private static final String ID = """
			{"type": "object", "properties": {"id": {"type": "string", "description": "the task's id, such as \
			task_001"}}, "required": ["id"], "additionalProperties": false}""";

	/** What {@code submit_task} and {@code submit_step} take: a task's prompt and where it goes. */
	private static final String NEW_TASK = """
			{"type": "object", "properties": {
			 "prompt": {"type": "string", "description": "what the agent is asked to do"},
			 "title": {"type": "string", "description": "a short name for the board"},
			 "agent": {"type": "string", "description": "only this agent may take the task"},
			 "role": {"type": "string", "description": "only agents listing this role may take the task"},
			 "dependsOn": {"type": "array", "items": {"type": "string"},
			  "description": "ids of tasks whose results this one needs, such as task_001"},
			 "review": {"type": "boolean",
			  "description": "true: a person approves or rejects the answer before the task is done"}},
			 "required": ["prompt"], "additionalProperties": false}""";

	private static final List<String> TASK_FIELDS = List.of("prompt", "title", "agent", "role", "dependsOn",
			"review");

	private final TaskVerbs verbs;

	private final Waits waits;

	private final JsonMapper json;

	SpoolTools(TaskVerbs verbs, Waits waits, JsonMapper json) {
		this.verbs = verbs;
		this.waits = waits;
		this.json = json;
	}

	/** The tools for an attempt at {@code task}: what they submit is its subtask. */
	public List<ToolCallback> forAttempt(TaskId task) {
		return List.of(submitTask(task), submitGoal(task), getTask(), listTasks(), waitTask(task), cancelTask(task),
				readAnswer());
	}

	/**
	 * The tools of the orchestrator working a goal as a conversation: {@code submit_step} makes the goal's next step
	 * (a task of the goal, its subtask), at most {@code maxSteps}; the others are an agent's, for the goal's task.
	 */
	public List<ToolCallback> forGoal(TaskId goal, int maxSteps) {
		return List.of(submitStep(goal, maxSteps), getTask(), listTasks(), waitTask(goal), cancelTask(goal),
				readAnswer());
	}

	private ToolCallback submitStep(TaskId goal, int maxSteps) {
		return new SpoolTool("submit_step", "Hands the next step of the goal to Spool's agents and returns its task, "
				+ "with its id. A step's prompt must be doable from its own text and the answers of the steps it "
				+ "depends on, which it is given. Wait for steps with wait_task; submit another step to redo one "
				+ "with a better prompt. At most " + maxSteps + " steps.", NEW_TASK, TASK_FIELDS, (arguments) -> {
					TaskRequest request = new TaskRequest(arguments.requiredText("prompt"), arguments.text("title"),
							arguments.text("agent"), arguments.text("role"), null, arguments.texts("dependsOn"),
							goal.text(), arguments.bool("review"));
					String callId = arguments.callId()
						.orElseThrow(() -> new InvalidTaskException("submit_step needs the model's call id"));
					return summary(this.verbs.submitStepOnce(goal, request, callId, maxSteps));
				}, this.json);
	}

	private ToolCallback submitTask(TaskId parent) {
		return new SpoolTool("submit_task", "Hands a subtask to Spool's agents and returns it, with its id; "
				+ "follow it with get_task, and read its answer with read_answer once it is done.", NEW_TASK, TASK_FIELDS,
				(arguments) -> {
					TaskRequest request = new TaskRequest(arguments.requiredText("prompt"), arguments.text("title"),
							arguments.text("agent"), arguments.text("role"), null, arguments.texts("dependsOn"),
							parent.text(), arguments.bool("review"));
					return summary(arguments.callId().isPresent()
							? this.verbs.submitOnce(request, arguments.callId().get()) : this.verbs.submit(request));
				},
				this.json);
	}

	private ToolCallback submitGoal(TaskId parent) {
		return new SpoolTool("submit_goal", "Hands a goal to the orchestrator, which plans it into subtasks and a "
				+ "final task that combines their results; returns the goal's task, with its id.", """
				{"type": "object", "properties": {
				 "goal": {"type": "string", "description": "what the plan must achieve"},
				 "title": {"type": "string", "description": "a short name for the board"}},
				 "required": ["goal"], "additionalProperties": false}""", List.of("goal", "title"),
				(arguments) -> summary(arguments.callId().isPresent()
						? this.verbs.submitGoalOnce(arguments.requiredText("goal"), arguments.text("title"), parent,
								arguments.callId().get())
						: this.verbs.submitGoal(arguments.requiredText("goal"), arguments.text("title"), 0, parent)),
				this.json);
	}

	private ToolCallback getTask() {
		return new SpoolTool("get_task", "A task: its state, error, and the start of its answer once done "
				+ "(read_answer reads all of it).", ID, List.of("id"), (arguments) -> {
					Task task = this.verbs.find(arguments.requiredText("id"));
					return ToolTask.withAnswer(task, this.verbs.queries(),
							this.verbs.answer(task.id()).map(SpoolTools::preview).orElse(null));
				}, this.json);
	}

	/**
	 * Waits for a task to end without holding the slot: while it has not, the call is not answered and the attempt
	 * puts its task aside ({@link WaitingTool}); the attempt that resumes the conversation once it has ended answers
	 * as {@code get_task} does.
	 */
	private ToolCallback waitTask(TaskId self) {
		SpoolTool answer = new SpoolTool("wait_task", "Waits until a task is done, failed or cancelled, and returns "
				+ "it as get_task does: its error, or the start of its answer (read_answer reads all of it). You hold "
				+ "no slot while you wait: this conversation is kept and resumed, with this call's result, once the "
				+ "task has ended. To wait for several tasks, call wait_task for each in the same turn.", ID,
				List.of("id"), (arguments) -> {
					Task task = waitable(arguments.requiredText("id"), self);
					return ToolTask.withAnswer(task, this.verbs.queries(),
							this.verbs.answer(task.id()).map(SpoolTools::preview).orElse(null));
				}, this.json);
		return new WaitingSpoolTool(answer, (arguments) -> {
			Task task = waitable(ToolArguments.read(this.json, "wait_task", arguments, List.of("id")).requiredText("id"),
					self);
			return task.hasEnded() ? Set.of() : Set.of(task.id());
		});
	}

	/** The task a call of {@code self}'s may wait for; refused when the wait could never end. */
	private Task waitable(String id, TaskId self) {
		Task task = this.verbs.find(id);
		if (task.id().equals(self)) {
			throw new InvalidTaskException("a task cannot wait for itself");
		}
		Optional<Task> own = this.verbs.known(self);
		if (own.isPresent() && this.verbs.submittedBy(own.get(), task.id())) {
			throw new InvalidTaskException(task.id() + " submitted this task (or the task that did): it may be "
					+ "waiting for this one, so waiting for it could never end");
		}
		if (waitsFor(task.id(), self)) {
			throw new InvalidTaskException(task.id() + " is waiting for this task, so neither would ever end");
		}
		return task;
	}

	/** Whether {@code waiting} waits for {@code task}, or for a task that does, and so on. */
	private boolean waitsFor(TaskId waiting, TaskId task) {
		Set<TaskId> seen = new HashSet<>();
		Deque<TaskId> next = new ArrayDeque<>(List.of(waiting));
		while (!next.isEmpty()) {
			TaskId one = next.pop();
			if (seen.add(one)) {
				Set<TaskId> waited = this.waits.waitsFor(one);
				if (waited.contains(task)) {
					return true;
				}
				next.addAll(waited);
			}
		}
		return false;
	}

	private ToolCallback listTasks() {
		return new SpoolTool("list_tasks", "Tasks, newest first, optionally only those in one state.", """
				{"type": "object", "properties": {
				 "state": {"type": "string", "enum": ["pending", "inprogress", "waiting", "review", "done", "failed", "cancelled"]},
				 "limit": {"type": "integer", "minimum": 1, "maximum": 200, "description": "how many (default 20)"}},
				 "additionalProperties": false}""", List.of("state", "limit"),
				(arguments) -> this.verbs
					.list(arguments.text("state"), 0, arguments.wholeNumber("limit", 1, MAX_LIST, 20))
					.stream()
					.map(this::summary)
					.toList(),
				this.json);
	}

	private ToolCallback cancelTask(TaskId self) {
		return new SpoolTool("cancel_task", "Cancels a pending or in-progress subtask you submitted (or one of "
				+ "theirs); an agent working on it stops and publishes nothing.", ID, List.of("id"), (arguments) -> {
					Task task = this.verbs.find(arguments.requiredText("id"));
					if (!this.verbs.submittedBy(task, self)) {
						throw new InvalidTaskException(task.id() + " is not a subtask of " + self
								+ ": an agent may cancel only the subtasks it submitted, and theirs");
					}
					return summary(this.verbs.cancel(task.id()));
				}, this.json);
	}

	private ToolCallback readAnswer() {
		return new SpoolTool("read_answer", "The answer of a done task, as text, " + ANSWER_PART_CHARS
				+ " characters at a time: a longer answer ends with a note giving the offset of the next part.", """
				{"type": "object", "properties": {
				 "id": {"type": "string", "description": "the task's id, such as task_001"},
				 "offset": {"type": "integer", "minimum": 0,
				  "description": "the character to start from (default 0), for the next part of a long answer"}},
				 "required": ["id"], "additionalProperties": false}""", List.of("id", "offset"), (arguments) -> {
					Task task = this.verbs.find(arguments.requiredText("id"));
					int offset = arguments.wholeNumber("offset", 0, Integer.MAX_VALUE, 0);
					String answer = this.verbs.answer(task.id())
						.orElseThrow(() -> new InvalidTaskException(task.id() + " has no answer"
								+ (task.hasOutput() ? " Spool can read" : ": it is " + task.state().word())));
					return part(task.id(), answer, offset);
				}, this.json);
	}

	private ToolTask summary(Task task) {
		return ToolTask.of(task, this.verbs.queries());
	}

	private static String preview(String answer) {
		if (answer.length() <= ANSWER_PREVIEW_CHARS) {
			return answer;
		}
		return Texts.cut(answer, ANSWER_PREVIEW_CHARS) + "\n[… cut: the answer is " + answer.length()
				+ " characters; read_answer reads all of it, a part at a time]";
	}

	static String part(TaskId id, String answer, int offset) {
		if (offset > answer.length()) {
			throw new InvalidTaskException("offset " + offset + " is past the end of " + id + "'s answer, which is "
					+ answer.length() + " characters");
		}
		int start = Texts.start(answer, offset);
		String part = Texts.cut(answer.substring(start), ANSWER_PART_CHARS);
		int end = start + part.length();
		return (end >= answer.length()) ? part
				: part + "\n[… cut: characters " + start + " to " + end + " of " + answer.length() + "; call "
						+ "read_answer with offset " + end + " for the next part]";
	}

}
