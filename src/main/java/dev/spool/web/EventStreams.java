package dev.spool.web;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import jakarta.annotation.PreDestroy;

/**
 * Every open server-sent event stream. Events go out from one thread of their own, so a slow client never holds up an
 * agent or the watcher; idle streams get a keep-alive comment; and all streams end before the web server's graceful
 * shutdown would wait on them.
 */
@Component
class EventStreams implements SmartLifecycle {

	private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();

	private final ExecutorService sender = Executors.newSingleThreadExecutor((runnable) -> daemon(runnable, "spool-sse"));

	private final ScheduledExecutorService keepAlive = Executors
		.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "spool-sse-ping"));

	private volatile boolean running;

	EventStreams() {
		this.keepAlive.scheduleWithFixedDelay(
				() -> this.sender.execute(() -> this.open.forEach((emitter) -> send(emitter, comment("ping")))), 15,
				15, TimeUnit.SECONDS);
	}

	/** Opens a stream that stays open until the client leaves; {@code onClose} is told when it ends. */
	SseEmitter open(Consumer<SseEmitter> onClose) {
		SseEmitter emitter = new SseEmitter(0L);
		Runnable close = () -> {
			this.open.remove(emitter);
			onClose.accept(emitter);
		};
		emitter.onCompletion(close);
		emitter.onTimeout(close);
		emitter.onError((error) -> close.run());
		this.open.add(emitter);
		return emitter;
	}

	/** Sends an event later, in order with every other event sent through here. */
	void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		this.sender.execute(() -> sendNow(emitter, event));
	}

	/** Sends a last event, then ends the stream. */
	void end(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		this.sender.execute(() -> {
			if (sendNow(emitter, event)) {
				emitter.complete();
			}
		});
	}

	static SseEmitter.SseEventBuilder comment(String text) {
		return SseEmitter.event().comment(text);
	}

	private boolean sendNow(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		try {
			emitter.send(event);
			return true;
		}
		catch (IOException | IllegalStateException ex) {
			this.open.remove(emitter);
			emitter.completeWithError(ex);
			return false;
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

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
		this.keepAlive.shutdownNow();
		this.sender.shutdownNow();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

}
