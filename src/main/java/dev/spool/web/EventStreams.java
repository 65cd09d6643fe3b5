package dev.spool.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.spool.SpoolProperties;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import jakarta.annotation.PreDestroy;

/**
 * Every open server-sent event stream. Each client has its own bounded queue, written by a few shared senders, so
 * that neither an agent nor another client ever waits for a client that stopped reading; idle streams get a
 * keep-alive comment; one client address holds at most {@code spool.max-streams-per-client} streams at once; and all
 * streams end before the web server's graceful shutdown would wait on them.
 */
@Component
class EventStreams implements SmartLifecycle {

	/**
	 * A write to a client that stopped reading blocks its sender until the client reads again or Tomcat's write
	 * timeout ({@code server.tomcat.connection-timeout}, 60 s by default) closes the connection; with several
	 * senders, the other clients are served meanwhile.
	 */
	private static final int SENDERS = 4;

	private final Map<SseEmitter, ClientStream> clients = new ConcurrentHashMap<>();

	private final int capacity;

	/** Streams open per client address; an address is forgotten when its last stream ends. */
	private final Map<String, Integer> perClient = new ConcurrentHashMap<>();

	private final int mostPerClient;

	private final ThreadPoolExecutor senders;

	private final ScheduledExecutorService keepAlive = Executors
		.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "spool-sse-ping"));

	private volatile boolean running;

	EventStreams(SpoolProperties properties) {
		this.capacity = properties.streamBuffer();
		this.mostPerClient = properties.maxStreamsPerClient();
		AtomicInteger count = new AtomicInteger();
		// Unbounded, but each client is queued at most once, while it has events waiting.
		this.senders = new ThreadPoolExecutor(SENDERS, SENDERS, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(runnable) -> daemon(runnable, "spool-sse-" + count.incrementAndGet()));
		this.senders.allowCoreThreadTimeOut(true);
		this.keepAlive.scheduleWithFixedDelay(this::ping, 15, 15, TimeUnit.SECONDS);
	}

	/**
	 * Opens a stream that stays open until the client leaves or falls behind; {@code onClose} is told when it ends,
	 * however it ends, and the client's address may then open another.
	 *
	 * @param address the client's address, as the connection gives it
	 * @throws TooManyStreamsException if that address already holds {@code spool.max-streams-per-client} streams
	 */
	SseEmitter open(String address, Consumer<SseEmitter> onClose) {
		take(address);
		SseEmitter emitter = new SseEmitter(0L);
		ClientStream client = new ClientStream(emitter, this.capacity, this.senders, () -> {
			this.clients.remove(emitter);
			giveBack(address);
			onClose.accept(emitter);
		});
		emitter.onCompletion(client::closed);
		emitter.onTimeout(client::closed);
		emitter.onError((error) -> client.closed());
		this.clients.put(emitter, client);
		return emitter;
	}

	/** Sends an event later, after every event sent to this client before it. */
	void send(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		ClientStream client = this.clients.get(emitter);
		if (client != null) {
			client.send(event);
		}
	}

	/** Sends a last event, then ends the stream. */
	void end(SseEmitter emitter, SseEmitter.SseEventBuilder event) {
		ClientStream client = this.clients.get(emitter);
		if (client != null) {
			client.end(event);
		}
	}

	/** How many streams are open. */
	int openCount() {
		return this.clients.size();
	}

	/** How many streams one client address holds open. */
	int openCount(String address) {
		return this.perClient.getOrDefault(address, 0);
	}

	private void take(String address) {
		this.perClient.compute(address, (key, open) -> {
			int count = (open != null) ? open : 0;
			if (count >= this.mostPerClient) {
				throw new TooManyStreamsException(address, this.mostPerClient);
			}
			return count + 1;
		});
	}

	private void giveBack(String address) {
		this.perClient.computeIfPresent(address, (key, open) -> (open > 1) ? open - 1 : null);
	}

	static SseEmitter.SseEventBuilder comment(String text) {
		return SseEmitter.event().comment(text);
	}

	private void ping() {
		this.clients.values().forEach((client) -> client.send(comment("ping")));
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends every stream; the senders complete the responses at once, or after a write under way. */
	@Override
	public void stop() {
		this.running = false;
		this.clients.values().forEach(ClientStream::close);
		this.clients.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@PreDestroy
	void close() {
		this.keepAlive.shutdownNow();
		this.senders.shutdownNow();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

}
