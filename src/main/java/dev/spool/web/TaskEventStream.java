package dev.spool.web;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.spool.workspace.TaskChanged;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import jakarta.annotation.PreDestroy;

/**
 * {@code GET /api/events}: one server-sent event named {@code task} per change to what is known of a task (its state,
 * and then its recorded attempt, error or output), whoever made it.
 * Events are sent from one thread of their own, so a slow client never holds up an agent or the watcher.
 */
@Component
class TaskEventStream implements SmartLifecycle {

	private volatile boolean running;

	private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();

	private final ExecutorService sender = Executors.newSingleThreadExecutor((runnable) -> daemon(runnable, "spool-sse"));

	private final ScheduledExecutorService keepAlive = Executors
		.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "spool-sse-ping"));

	TaskEventStream() {
		this.keepAlive.scheduleWithFixedDelay(() -> this.sender.execute(this::ping), 15, 15, TimeUnit.SECONDS);
	}

	SseEmitter subscribe() {
		SseEmitter emitter = new SseEmitter(0L);
		emitter.onCompletion(() -> this.subscribers.remove(emitter));
		emitter.onTimeout(() -> this.subscribers.remove(emitter));
		emitter.onError((error) -> this.subscribers.remove(emitter));
		this.subscribers.add(emitter);
		this.sender.execute(() -> send(emitter, SseEmitter.event().comment("connected")));
		return emitter;
	}

	@EventListener
	void on(TaskChanged changed) {
		if (this.subscribers.isEmpty()) {
			return;
		}
		TaskStateEvent event = TaskStateEvent.of(changed);
		this.sender.execute(() -> this.subscribers.forEach((emitter) -> send(emitter,
				SseEmitter.event().name("task").id(event.id()).data(event, MediaType.APPLICATION_JSON))));
	}

	private void ping() {
		this.subscribers.forEach((emitter) -> send(emitter, SseEmitter.event().comment("ping")));
	}

	private void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
		}
		catch (IOException | IllegalStateException ex) {
			this.subscribers.remove(emitter);
			emitter.completeWithError(ex);
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every stream before the web server waits for open requests, so shutdown does not wait on them. */
	@Override
	public void stop() {
		this.running = false;
		this.subscribers.forEach(SseEmitter::complete);
		this.subscribers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@PreDestroy
	void close() {
		this.keepAlive.shutdownNow();
		this.sender.shutdownNow();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * The data of one event.
	 *
	 * @param id the task
	 * @param status its state now, or {@code deleted} when its file is gone
	 * @param previous its state before, or null for a new task
	 * @param owner the agent holding or last holding it
	 * @param title its title
	 */
	record TaskStateEvent(String id, String status, String previous, String owner, String title) {

		static TaskStateEvent of(TaskChanged changed) {
			String status = (changed.after() != null) ? changed.after().state().word() : "deleted";
			String previous = (changed.before() != null) ? changed.before().state().word() : null;
			var current = (changed.after() != null) ? changed.after() : changed.before();
			return new TaskStateEvent(changed.id().text(), status, previous, current.owner(), current.title());
		}

	}

}
