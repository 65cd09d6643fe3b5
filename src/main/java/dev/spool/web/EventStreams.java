package dev.spool.web;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
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

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import jakarta.annotation.PreDestroy;

/**
 * Every open server-sent event stream. Each client has its own bounded queue, written by a few shared senders, so
 * that neither an agent nor another client ever waits for a client that stopped reading; idle streams get a
 * keep-alive comment; one client address holds at most {@code spool.max-streams-per-client} streams at once, its
 * oldest ended to make room for a new one; and all
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

	/**
	 * The streams each client address holds open, oldest first; an address is forgotten when its last stream ends.
	 * Guarded by itself.
	 */
	private final Map<String, Deque<SseEmitter>> perClient = new HashMap<>();

	private final int mostPerClient;

	private final ThreadPoolExecutor senders;

	private final ScheduledExecutorService keepAlive = Executors
		.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "spool-sse-ping"));

	private volatile boolean running;

	@Autowired
	EventStreams(SpoolProperties properties) {
		this(properties.streamBuffer(), properties.maxStreamsPerClient(), senders());
	}

	/**
	 * @param capacity how many events may wait for one client before it is dropped
	 * @param mostPerClient how many streams one client address may hold open at once
	 * @param senders the threads that write to clients; shut down with this
	 */
	EventStreams(int capacity, int mostPerClient, ThreadPoolExecutor senders) {
		this.capacity = capacity;
		this.mostPerClient = mostPerClient;
		this.senders = senders;
		this.keepAlive.scheduleWithFixedDelay(this::ping, 15, 15, TimeUnit.SECONDS);
	}

	private static ThreadPoolExecutor senders() {
		AtomicInteger count = new AtomicInteger();
		// Unbounded, but each client is queued at most once, while it has events waiting.
		ThreadPoolExecutor senders = new ThreadPoolExecutor(SENDERS, SENDERS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (runnable) -> daemon(runnable, "spool-sse-" + count.incrementAndGet()));
		senders.allowCoreThreadTimeOut(true);
		return senders;
	}

	/**
	 * Opens a stream that stays open until the client leaves or falls behind; {@code onClose} is told when it ends,
	 * however it ends. An address that already holds {@code spool.max-streams-per-client} streams has its oldest one
	 * ended to make room: a browser does not say when it leaves a page, so the streams of tabs closed or reloaded
	 * stay counted until a keep-alive meets their closed connections, and refusing the newest would lock a person
	 * out of their own board; a client that opens streams without end only ever holds the newest few.
	 * <p>
	 * Every stream begins with a {@code connected} comment, sent before the handler returns the emitter: Spring MVC
	 * then writes it, and with it the response's headers, on the request's own thread. Tomcat's headers are not safe
	 * to touch from two threads, and a sender writing the first event while the client leaves would race Tomcat
	 * recycling the response (Tomcat's log: {@code NullPointerException} in {@code MimeHeaders.recycle}).
	 *
	 * @param address the client's address, as the connection gives it
	 */
	SseEmitter open(String address, Consumer<SseEmitter> onClose) {
		SseEmitter emitter = new SseEmitter(0L);
		greet(emitter);
		ClientStream client = new ClientStream(emitter, this.capacity, this.senders, () -> {
			this.clients.remove(emitter);
			giveBack(address, emitter);
			onClose.accept(emitter);
		});
		emitter.onCompletion(client::closed);
		emitter.onTimeout(client::closed);
		emitter.onError((error) -> client.closed());
		this.clients.put(emitter, client);
		for (SseEmitter oldest : take(address, emitter)) {
			ClientStream evicted = this.clients.get(oldest);
			if (evicted != null) {
				evicted.end(comment("closed: this client opened more than " + this.mostPerClient
						+ " streams (spool.max-streams-per-client); this, its oldest, made room"));
			}
		}
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
		synchronized (this.perClient) {
			Deque<SseEmitter> open = this.perClient.get(address);
			return (open != null) ? open.size() : 0;
		}
	}

	/** Counts a new stream of an address; returns the oldest ones to end, beyond the most it may hold. */
	private List<SseEmitter> take(String address, SseEmitter emitter) {
		List<SseEmitter> evicted = new ArrayList<>();
		synchronized (this.perClient) {
			Deque<SseEmitter> open = this.perClient.computeIfAbsent(address, (key) -> new ArrayDeque<>());
			open.addLast(emitter);
			while (open.size() > this.mostPerClient) {
				evicted.add(open.pollFirst());
			}
		}
		return evicted;
	}

	private void giveBack(String address, SseEmitter emitter) {
		synchronized (this.perClient) {
			Deque<SseEmitter> open = this.perClient.get(address);
			if (open != null && open.remove(emitter) && open.isEmpty()) {
				this.perClient.remove(address);
			}
		}
	}

	private static void greet(SseEmitter emitter) {
		try {
			emitter.send(comment("connected"));
		}
		catch (IOException ex) {
			// An emitter not yet returned by its handler keeps what it is sent, writing nothing.
			throw new IllegalStateException("A new event stream could not keep its first event", ex);
		}
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
