package dev.spool.web;

import java.net.URI;
import java.security.Principal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.spool.tools.TaskIds;
import dev.spool.tools.TaskJson;
import dev.spool.tools.TaskRequest;
import dev.spool.tools.TaskVerbs;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tasks for other tools: create, list, read, retry, cancel, and retry or cancel many. */
@RestController
@RequestMapping("/api/tasks")
@Tag(name = "Tasks", description = "Tasks: create, list, read, retry and cancel, one at a time or many")
class TaskApiController {

	static final MediaType MARKDOWN = new MediaType("text", "markdown", StandardCharsets.UTF_8);

	private static final int MAX_LIMIT = 1000;

	private final TaskStore store;

	private final TaskVerbs verbs;

	private final TaskNotes notes;

	private final BulkActions bulk;

	TaskApiController(TaskStore store, TaskVerbs verbs, TaskNotes notes, BulkActions bulk) {
		this.store = store;
		this.verbs = verbs;
		this.notes = notes;
		this.bulk = bulk;
	}

	// Declaring what it produces makes an unacceptable Accept header fail before anything is written.
	@Operation(summary = "Create a task", description = "Writes tasks/task_NNN_pending.md; an agent that may take it "
			+ "claims it at once. Unknown fields and values of the wrong JSON type are refused.")
	@ApiResponse(responseCode = "201", description = "the task, pending; its address is in the Location header")
	@ApiResponse(responseCode = "400", description = "no prompt, an unknown role, a dependency that does not exist or depends on itself, a chain of dependencies deeper than spool.max-dependency-depth, a parent that does not exist or is at a limit (spool.max-delegation-depth, spool.max-subtasks), or a field of the wrong type (the field is named)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "413", description = "the prompt is larger than spool.max-prompt-size", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<TaskJson> create(@RequestBody(required = false) CreateTaskRequest request) {
		if (request == null) {
			throw new InvalidTaskException("the request body is empty; send {\"prompt\": \"...\"}");
		}
		Task task = this.verbs.submit(new TaskRequest(request.prompt(), request.title(), request.agent(),
				request.role(), request.priority(), request.dependsOn(), request.parent(), request.review()));
		return ResponseEntity.created(URI.create("/api/tasks/" + task.id()))
			.body(TaskJson.summary(task, this.notes.snapshot()));
	}

	@Operation(summary = "List tasks, newest first", description = "Returns {tasks, total, limit, offset}.")
	@ApiResponse(responseCode = "200", description = "one page of tasks and the number that match")
	@ApiResponse(responseCode = "400", description = "an unknown status, or a limit or offset out of range", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping
	Map<String, Object> list(
			@Parameter(description = "only tasks in this state", schema = @Schema(allowableValues = { "pending",
					"inprogress", "waiting", "review", "done", "failed", "cancelled" })) @RequestParam(required = false) String status,
			@Parameter(description = "tasks per page, 1 to 1000") @RequestParam(defaultValue = "100") int limit,
			@Parameter(description = "tasks to skip") @RequestParam(defaultValue = "0") int offset) {
		if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
			throw new InvalidTaskException("limit must be 1 to " + MAX_LIMIT + " and offset 0 or more");
		}
		TaskState state = (status != null) ? TaskState.fromWord(status)
			.orElseThrow(() -> new InvalidTaskException("unknown status '" + status
					+ "': use " + TaskState.words())) : null;
		TaskQueries queries = this.store.index().queries();
		TaskNotes.Snapshot snapshot = this.notes.snapshot();
		List<TaskJson> page = queries.page(state, offset, limit)
			.stream()
			.map((task) -> TaskJson.summary(task, snapshot))
			.toList();
		return Map.of("tasks", page, "total", queries.size(state), "limit", limit, "offset", offset);
	}

	@Operation(summary = "Read a task", description = "Its prompt, state, owner, times, attempts, error, tokens and "
			+ "history.")
	@ApiResponse(responseCode = "200", description = "the task")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping("/{id}")
	TaskJson get(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		Task task = this.store.index().find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		return TaskJson.detail(task, this.store.readPrompt(taskId), this.notes.snapshot());
	}

	@Operation(summary = "Read a task's result", description = "The answer as Markdown, without the header that says "
			+ "who wrote it and when.")
	@ApiResponse(responseCode = "200", description = "the result",
			content = @Content(mediaType = "text/markdown", schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task, or no result yet", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping("/{id}/output")
	ResponseEntity<String> output(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		this.store.index().find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		return this.store.readOutput(taskId)
			.map((text) -> ResponseEntity.ok().contentType(MARKDOWN).body(text))
			.orElseThrow(() -> new OutputNotReadyException(taskId));
	}

	@Operation(summary = "Retry a failed or cancelled task", description = "It becomes pending with a fresh budget "
			+ "of attempts. Send Content-Type: application/json (no body is needed).")
	@ApiResponse(responseCode = "200", description = "the task, pending again")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "the task is not failed or cancelled", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{id}/retry", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson retry(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id) {
		return TaskJson.summary(this.store.retry(TaskIds.parse(id)), this.store.index().queries());
	}

	@Operation(summary = "Cancel a pending or in-progress task", description = "An agent working on it stops and "
			+ "publishes nothing. Send Content-Type: application/json (no body is needed).")
	@ApiResponse(responseCode = "200", description = "the task, cancelled")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "the task has already finished", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{id}/cancel", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson cancel(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id) {
		return TaskJson.summary(this.store.cancel(TaskIds.parse(id)), this.store.index().queries());
	}

	@Operation(summary = "Approve the answer of a task in review", description = "The task becomes done, and its "
			+ "dependants and next pipeline stage may start. The history records who approved it and when. Send "
			+ "Content-Type: application/json (no body is needed).")
	@ApiResponse(responseCode = "200", description = "the task, done")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "the task is not in review, or someone else decided first (the detail says who and when)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{id}/approve", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson approve(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id,
			@RequestBody(required = false) ReviewRequest request, Principal principal) {
		return TaskJson.summary(this.store.approve(TaskIds.parse(id), Reviewers.name(principal, request)),
				this.store.index().queries());
	}

	@Operation(summary = "Reject the answer of a task in review", description = "The answer is set aside and the task "
			+ "becomes pending again; its next attempt is shown the rejected answer and the note, and the rejection "
			+ "spends no attempt. Send {\"note\": \"what to change\"}, or no body for a rejection without a note.")
	@ApiResponse(responseCode = "200", description = "the task, pending again")
	@ApiResponse(responseCode = "400", description = "not a task id, a note longer than 10,000 characters, or a name (by) that is not one line of at most 64 characters", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "the task is not in review, or someone else decided first (the detail says who and when)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{id}/reject", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson reject(@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id,
			@RequestBody(required = false) ReviewRequest request, Principal principal) {
		return TaskJson.summary(
				this.store.reject(TaskIds.parse(id), Reviewers.name(principal, request), Reviewers.note(request)),
				this.store.index().queries());
	}

	@Operation(summary = "Cancel, retry, archive or approve many tasks", description = "Each task in turn, as the single-task "
			+ "verbs do: the ids given, or every task in a status now (\"retry all failed\", \"cancel all pending\"), "
			+ "or for archive every finished task older than olderThanDays (see PROTOCOL.md, Archive). A task "
			+ "that cannot take the action (already finished, not failed) or no longer exists is skipped and reported; "
			+ "the others go ahead. Bad input (an unknown action, a malformed id, both or neither of ids and status, "
			+ "more than 1000 ids) changes nothing.")
	@ApiResponse(responseCode = "200", description = "what changed and what was skipped, with a one-sentence summary")
	@ApiResponse(responseCode = "400", description = "an unknown action or status, a malformed id, both or neither of ids and status, or too many ids", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/bulk", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	BulkJson bulk(@RequestBody(required = false) BulkRequest request, Principal principal) {
		if (request == null) {
			throw new InvalidTaskException("the request body is empty; send {\"action\": \"cancel\", \"ids\": [...]}");
		}
		return BulkJson.of(this.bulk.apply(
				BulkActions.Request.of(request.action(), request.ids(), request.status(), request.olderThanDays()),
				Reviewers.name(principal, (String) null)));
	}

	/** A known task without a result yet. */
	static final class OutputNotReadyException extends RuntimeException {

		OutputNotReadyException(TaskId id) {
			super(id + " has no output yet");
		}

	}

}
