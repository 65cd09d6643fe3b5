package dev.spool.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tasks for other tools: create, list, read, retry, cancel. */
@RestController
@RequestMapping("/api/tasks")
class TaskApiController {

	static final MediaType MARKDOWN = new MediaType("text", "markdown", StandardCharsets.UTF_8);

	private static final int MAX_LIMIT = 1000;

	private final TaskStore store;

	private final Routing routing;

	private final TaskNotes notes;

	TaskApiController(TaskStore store, Routing routing, TaskNotes notes) {
		this.store = store;
		this.routing = routing;
		this.notes = notes;
	}

	// Declaring what it produces makes an unacceptable Accept header fail before anything is written.
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<TaskJson> create(@RequestBody(required = false) CreateTaskRequest request) {
		if (request == null) {
			throw new InvalidTaskException("the request body is empty; send {\"prompt\": \"...\"}");
		}
		List<TaskId> dependsOn = (request.dependsOn() != null)
				? request.dependsOn().stream().map(TaskIds::parse).toList() : List.of();
		NewTask newTask = new NewTask(request.prompt(), request.title(), request.agent(), request.role(), null,
				(request.priority() != null) ? request.priority() : 0, dependsOn, null, null, null);
		this.routing.check(newTask);
		Task task = this.store.create(newTask);
		return ResponseEntity.created(URI.create("/api/tasks/" + task.id()))
			.body(TaskJson.summary(task, this.notes.snapshot()));
	}

	@GetMapping
	Map<String, Object> list(@RequestParam(required = false) String status,
			@RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
		if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
			throw new InvalidTaskException("limit must be 1 to " + MAX_LIMIT + " and offset 0 or more");
		}
		TaskState state = (status != null) ? TaskState.fromWord(status)
			.orElseThrow(() -> new InvalidTaskException("unknown status '" + status
					+ "': use pending, inprogress, done, failed or cancelled")) : null;
		TaskQueries queries = this.store.index().queries();
		TaskNotes.Snapshot snapshot = this.notes.snapshot();
		List<TaskJson> page = queries.page(state, offset, limit)
			.stream()
			.map((task) -> TaskJson.summary(task, snapshot))
			.toList();
		return Map.of("tasks", page, "total", queries.size(state), "limit", limit, "offset", offset);
	}

	@GetMapping("/{id}")
	TaskJson get(@PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		Task task = this.store.index().find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		return TaskJson.detail(task, this.store.readPrompt(taskId), this.notes.snapshot());
	}

	@GetMapping("/{id}/output")
	ResponseEntity<String> output(@PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		this.store.index().find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		return this.store.readOutput(taskId)
			.map((text) -> ResponseEntity.ok().contentType(MARKDOWN).body(text))
			.orElseThrow(() -> new OutputNotReadyException(taskId));
	}

	@PostMapping(path = "/{id}/retry", produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson retry(@PathVariable String id) {
		return TaskJson.summary(this.store.retry(TaskIds.parse(id)));
	}

	@PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
	TaskJson cancel(@PathVariable String id) {
		return TaskJson.summary(this.store.cancel(TaskIds.parse(id)));
	}

	/** A known task without a result yet. */
	static final class OutputNotReadyException extends RuntimeException {

		OutputNotReadyException(TaskId id) {
			super(id + " has no output yet");
		}

	}

}
