package dev.spool.web;

import java.net.URI;

import dev.spool.tools.TaskIds;
import dev.spool.goal.GoalView;
import dev.spool.goal.GoalViews;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskStore;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Goals for other tools: submit one for the orchestrator to plan, and follow it. */
@RestController
@RequestMapping("/api/goals")
@Tag(name = "Goals", description = "Goals the orchestrator plans into subtasks and a final task")
class GoalApiController {

	private final TaskStore store;

	private final GoalViews goals;

	GoalApiController(TaskStore store, GoalViews goals) {
		this.store = store;
		this.goals = goals;
	}

	@Operation(summary = "Submit a goal", description = "A task for the orchestrator, which plans it into steps and a "
			+ "final task that combines their results; the goal's result is the final task's.")
	@ApiResponse(responseCode = "201", description = "the goal; its address is in the Location header")
	@ApiResponse(responseCode = "400", description = "no goal, or a field of the wrong type (the field is named)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "413", description = "the goal is larger than spool.max-prompt-size", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<GoalView> create(@RequestBody(required = false) CreateGoalRequest request) {
		if (request == null) {
			throw new InvalidTaskException("the request body is empty; send {\"goal\": \"...\"}");
		}
		Task task = this.store.create(NewTask.goal(request.goal(), request.title(),
				(request.priority() != null) ? request.priority() : 0, null)
			.withReview(Boolean.TRUE.equals(request.review())));
		return ResponseEntity.created(URI.create("/api/goals/" + task.id())).body(find(task.id()));
	}

	@Operation(summary = "Read a goal", description = "Its state, the plan's steps with their tasks and states, the "
			+ "final task, and the result once done.")
	@ApiResponse(responseCode = "200", description = "the goal")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such goal, or a task that is not a goal", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping("/{id}")
	GoalView get(@Parameter(description = "the goal's task id", example = "task_001") @PathVariable String id) {
		return find(TaskIds.parse(id));
	}

	private GoalView find(TaskId id) {
		return find(this.goals, this.store, id);
	}

	/** The goal with this id; a task that is no goal is told apart from a missing one. */
	static GoalView find(GoalViews goals, TaskStore store, TaskId id) {
		return goals.find(id)
			.orElseThrow(() -> store.index().find(id).isPresent() ? new NotAGoalException(id)
					: new TaskNotFoundException(id));
	}

	@ExceptionHandler
	ProblemDetail notAGoal(NotAGoalException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	/** The task asked for exists, but it is a task, not a goal. */
	static final class NotAGoalException extends RuntimeException {

		private final transient TaskId id;

		NotAGoalException(TaskId id) {
			super(id + " is a task, not a goal");
			this.id = id;
		}

		TaskId id() {
			return this.id;
		}

	}

	/** The body of {@code POST /api/goals}. */
	@Schema(example = "{\"goal\": \"Write a one-page brief on heat pumps for a homeowner.\", \"priority\": 1}")
	record CreateGoalRequest(
			@Schema(description = "what the orchestrator plans for", requiredMode = Schema.RequiredMode.REQUIRED,
					example = "Write a one-page brief on heat pumps for a homeowner.") String goal,
			@Schema(description = "a short name for the board") String title,
			@Schema(description = "higher is taken first; 0 when missing") Integer priority,
			@Schema(description = "a person approves or rejects the orchestrator's plan (the goal waits in review) "
					+ "before any step is submitted; a rejected plan is planned again with the note") Boolean review) {
	}

}
