package dev.spool.web;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.spool.agent.LiveAnswers;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskNotFoundException;

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

	@GetMapping(path = "/api/tasks/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream(@PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		this.index.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		AtomicReference<Runnable> unfollow = new AtomicReference<>(() -> {
		});
		SseEmitter emitter = this.streams.open((closed) -> unfollow.get().run());
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
