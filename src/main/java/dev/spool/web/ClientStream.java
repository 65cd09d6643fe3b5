package dev.spool.web;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One client's server-sent event stream: its own bounded queue, written in order by at most one sender at a time, so
 * that a client that stops reading holds up only itself, and is dropped once it falls a whole queue behind.
 */
final class ClientStream {

	private static final Log logger = LogFactory.getLog(ClientStream.class);

	/** Queued, by identity, where the response is to be completed. */
	private static final SseEmitter.SseEventBuilder COMPLETE = SseEmitter.event();

	private final SseEmitter emitter;

	private final int capacity;

	private final Executor senders;

	private final Runnable onClose;

	private final Deque<SseEmitter.SseEventBuilder> queue = new ArrayDeque<>();

	/** Whether a sender has this stream's drain queued or running; never two at once, which keeps the order. */
	private boolean draining;

	private boolean accepting = true;

	private boolean forgotten;

	/**
	 * @param capacity how many events may wait for this client before it is dropped
	 * @param senders the shared threads that write to clients
	 * @param onClose told once when this stream takes no more events, however it ended
	 */
	ClientStream(SseEmitter emitter, int capacity, Executor senders, Runnable onClose) {
		this.emitter = emitter;
		this.capacity = capacity;
		this.senders = senders;
		this.onClose = onClose;
	}

	/** Queues an event; a client already a whole queue behind is dropped instead, and catches up when it reconnects. */
	void send(SseEmitter.SseEventBuilder event) {
		boolean dropped = false;
		synchronized (this) {
			if (!this.accepting) {
				return;
			}
			if (this.queue.size() >= this.capacity) {
				finish();
				dropped = true;
			}
			else {
				this.queue.add(event);
			}
		}
		if (dropped) {
			logger.info("Dropped an event stream whose client fell " + this.capacity
					+ " events behind (it stopped reading); it catches up when it reconnects");
			forget();
		}
		drainSoon();
	}

	/** Queues a last event, after which the response is completed. */
	void end(SseEmitter.SseEventBuilder last) {
		synchronized (this) {
			if (!this.accepting) {
				return;
			}
			this.accepting = false;
			this.queue.add(last);
			this.queue.add(COMPLETE);
		}
		drainSoon();
	}

	/** Completes the response without sending what is still queued. */
	void close() {
		synchronized (this) {
			if (!this.accepting) {
				return;
			}
			finish();
		}
		forget();
		drainSoon();
	}

	/** The response ended some other way (the client left, an error): nothing more is sent. */
	void closed() {
		synchronized (this) {
			this.accepting = false;
			this.queue.clear();
		}
		forget();
	}

	private void finish() {
		this.accepting = false;
		this.queue.clear();
		this.queue.add(COMPLETE);
	}

	private void drainSoon() {
		synchronized (this) {
			if (this.draining || this.queue.isEmpty()) {
				return;
			}
			this.draining = true;
		}
		try {
			this.senders.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			// The senders are shut down: the process is stopping and this stream with it.
			closed();
		}
	}

	/** Writes until the queue is empty; the completion is written here too, as it waits for a write under way. */
	private void drain() {
		SseEmitter.SseEventBuilder next;
		while ((next = next()) != null) {
			if (next == COMPLETE) {
				complete();
			}
			else {
				write(next);
			}
		}
	}

	private synchronized SseEmitter.SseEventBuilder next() {
		SseEmitter.SseEventBuilder next = this.queue.poll();
		if (next == null) {
			this.draining = false;
		}
		return next;
	}

	private void write(SseEmitter.SseEventBuilder event) {
		try {
			this.emitter.send(event);
		}
		catch (IOException ex) {
			// The client left, or a blocked write timed out; the container ends the response itself.
			logger.debug("Event stream ended: " + ex);
			closed();
		}
		catch (IllegalStateException ex) {
			logger.debug("Event stream ended: " + ex);
			closed();
			this.emitter.completeWithError(ex);
		}
	}

	private void complete() {
		try {
			this.emitter.complete();
		}
		catch (IllegalStateException ex) {
			logger.debug("Event stream ended before it was completed: " + ex.getMessage());
		}
		// Spring MVC registers an emitter's completion callback only if the emitter is still open when the handler
		// returns it; one ended at once (the answer stream of a task not being answered) would never be forgotten.
		closed();
	}

	private void forget() {
		synchronized (this) {
			if (this.forgotten) {
				return;
			}
			this.forgotten = true;
		}
		this.onClose.run();
	}

	/** How many events wait for this client. */
	synchronized int backlog() {
		return this.queue.size();
	}

}
