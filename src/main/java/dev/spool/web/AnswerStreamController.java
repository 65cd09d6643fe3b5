package dev.spool.web;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.spool.agent.LiveAnswers;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskNotFoundException;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import jakarta.annotation.PreDestroy;

/**
 * {@code GET /api/tasks/{id}/stream}: the model's answer to a task as it is being written, as server-sent events:
 * {@code text} events with {@code {"text": "..."}} (the text so far first, then each new piece), then one {@code end}.
 * A task not being answered in this process gets {@code end} at once.
 */
@RestController
class AnswerStreamController implements SmartLifecycle {

	private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();

	private volatile boolean running;

	private final LiveAnswers live;

	private final TaskIndex index;

	private final ExecutorService sender = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "spool-answer-stream");
		thread.setDaemon(true);
		return thread;
	});

	AnswerStreamController(LiveAnswers live, TaskIndex index) {
		this.live = live;
		this.index = index;
	}

	@GetMapping(path = "/api/tasks/{id}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter stream(@PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		this.index.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		SseEmitter emitter = new SseEmitter(0L);
		this.open.add(emitter);
		emitter.onCompletion(() -> this.open.remove(emitter));
		if (this.live.current(taskId).isEmpty()) {
			this.sender.execute(() -> end(emitter));
			return emitter;
		}
		Runnable unfollow = this.live.follow(taskId, new LiveAnswers.Listener() {

			@Override
			public void text(String piece) {
				AnswerStreamController.this.sender.execute(() -> send(emitter, piece));
			}

			@Override
			public void end() {
				AnswerStreamController.this.sender.execute(() -> AnswerStreamController.end(emitter));
			}

		});
		emitter.onCompletion(() -> {
			this.open.remove(emitter);
			unfollow.run();
		});
		emitter.onTimeout(unfollow);
		emitter.onError((error) -> unfollow.run());
		return emitter;
	}

	private static void send(SseEmitter emitter, String piece) {
		try {
			emitter.send(SseEmitter.event().name("text").data(Map.of("text", piece), MediaType.APPLICATION_JSON));
		}
		catch (IOException | IllegalStateException ex) {
			emitter.completeWithError(ex);
		}
	}

	private static void end(SseEmitter emitter) {
		try {
			emitter.send(SseEmitter.event().name("end").data("{}"));
			emitter.complete();
		}
		catch (IOException | IllegalStateException ex) {
			emitter.completeWithError(ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every stream before the web server waits for open requests. */
	@Override
	public void stop() {
		this.running = false;
		this.open.forEach(SseEmitter::complete);
		this.open.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@PreDestroy
	void close() {
		this.sender.shutdownNow();
	}

}
