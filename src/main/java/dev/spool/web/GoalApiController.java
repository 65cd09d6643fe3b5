package dev.spool.web;

import java.net.URI;
import java.util.List;

import dev.spool.orchestrator.GoalView;
import dev.spool.orchestrator.GoalViews;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskStore;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Goals for other tools: submit one for the orchestrator to plan, and follow it. */
@RestController
@RequestMapping("/api/goals")
class GoalApiController {

	private final TaskStore store;

	private final GoalViews goals;

	GoalApiController(TaskStore store, GoalViews goals) {
		this.store = store;
		this.goals = goals;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<GoalView> create(@RequestBody(required = false) CreateGoalRequest request) {
		if (request == null) {
			throw new InvalidTaskException("the request body is empty; send {\"goal\": \"...\"}");
		}
		Task task = this.store.create(createGoal(request.goal(), request.title(),
				(request.priority() != null) ? request.priority() : 0));
		return ResponseEntity.created(URI.create("/api/goals/" + task.id())).body(find(task.id()));
	}

	@GetMapping("/{id}")
	GoalView get(@PathVariable String id) {
		return find(TaskIds.parse(id));
	}

	private GoalView find(TaskId id) {
		return this.goals.find(id).orElseThrow(() -> new TaskNotFoundException(id));
	}

	/**
	 * A goal is a task for the orchestrator: {@code kind: goal}, which no other agent takes. The API and the dashboard's
	 * form both make goals here.
	 * @throws InvalidTaskException if the goal is missing or empty
	 */
	static NewTask createGoal(String goal, String title, int priority) {
		if (goal == null || goal.isBlank()) {
			throw new InvalidTaskException("the goal is missing or empty");
		}
		return new NewTask(goal, title, null, null, TaskDocument.Kind.GOAL, priority, List.of(), null, null, null);
	}

	/** The body of {@code POST /api/goals}. */
	record CreateGoalRequest(String goal, String title, Integer priority) {
	}

}
