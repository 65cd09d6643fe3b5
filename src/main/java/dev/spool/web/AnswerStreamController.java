package dev.spool.web;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.spool.tools.TaskIds;
import dev.spool.agent.LiveAnswers;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskNotFoundException;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.ProblemDetail;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/tasks/{id}/stream}: the model's answer to a task as it is being written, as server-sent events:
 * {@code text} events with {@code {"text": "..."}} (the text so far first, then each new piece), then one {@code end}.
 * A task not being answered in this process gets {@code end} at once.
 */
@RestController
class AnswerStreamController {

	private final LiveAnswers live;

	private final TaskIndex index;

	private final EventStreams streams;

	AnswerStreamController(LiveAnswers live, TaskIndex index, EventStreams streams) {
		this.live = live;
		this.index = index;
		this.streams = streams;
	}

	@Operation(summary = "Follow an answer as it is written", description = "Server-sent events: 'text' events with "
			+ "the answer's pieces while an agent works on the task, then 'end'.", tags = "Tasks")
	@ApiResponse(responseCode = "200", description = "the answer's event stream",
			content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping(path = "/api/tasks/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream(@Parameter(description = "a task id", example = "task_001") @PathVariable String id,
			HttpServletRequest request) {
		TaskId taskId = TaskIds.parse(id);
		this.index.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		AtomicReference<Runnable> unfollow = new AtomicReference<>(() -> {
		});
		SseEmitter emitter = this.streams.open(request.getRemoteAddr(), (closed) -> unfollow.get().run());
		if (this.live.current(taskId).isEmpty()) {
			this.streams.end(emitter, end());
			return emitter;
		}
		unfollow.set(this.live.follow(taskId, new LiveAnswers.Listener() {

			@Override
			public void text(String piece) {
				AnswerStreamController.this.streams.send(emitter,
						SseEmitter.event().name("text").data(Map.of("text", piece), MediaType.APPLICATION_JSON));
			}

			@Override
			public void end() {
				AnswerStreamController.this.streams.end(emitter, AnswerStreamController.end());
			}

		}));
		return emitter;
	}

	private static SseEmitter.SseEventBuilder end() {
		return SseEmitter.event().name("end").data("{}");
	}

}
