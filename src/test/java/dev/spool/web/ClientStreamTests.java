package dev.spool.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;

/** One client's queue: its order, its bound, and that a client stuck in a write holds up nobody else. */
class ClientStreamTests {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ExecutorService senders = Executors.newFixedThreadPool(2);

	private final AtomicInteger closes = new AtomicInteger();

	@AfterEach
	void stopSenders() {
		this.senders.shutdownNow();
	}

	@Test
	void eventsReachTheClientInTheOrderTheyWereSent() {
		Client client = new Client();
		ClientStream stream = stream(client, 5_000);
		List<String> sent = IntStream.range(0, 2_000).mapToObj((i) -> "e" + i).toList();

		sent.forEach((name) -> stream.send(event(name)));

		Awaitility.await().atMost(PATIENCE).until(() -> client.received.size() == sent.size());
		assertThat(client.received).containsExactlyElementsOf(sent);
		assertThat(client.mostAtOnce()).as("writes to one client at the same time").isEqualTo(1);
	}

	@Test
	void aClientStuckInAWriteHoldsUpNoOtherClient() throws InterruptedException {
		Client stuck = new Client().stuck();
		Client reading = new Client();
		ClientStream slow = stream(stuck, 100);
		ClientStream fast = stream(reading, 100);

		slow.send(event("first"));
		assertThat(stuck.writing.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 50; i++) {
			slow.send(event("s" + i));
			fast.send(event("f" + i));
		}

		Awaitility.await().atMost(PATIENCE).until(() -> reading.received.size() == 50);
		assertThat(stuck.received).isEmpty();
		assertThat(slow.backlog()).isEqualTo(50);
	}

	@Test
	void aClientAWholeQueueBehindIsDroppedAndCompletedAfterTheWriteUnderWay() throws InterruptedException {
		Client stuck = new Client().stuck();
		ClientStream stream = stream(stuck, 3);
		stream.send(event("first"));
		assertThat(stuck.writing.await(10, TimeUnit.SECONDS)).isTrue();
		stream.send(event("queued 1"));
		stream.send(event("queued 2"));
		stream.send(event("queued 3"));
		assertThat(this.closes).as("not yet dropped").hasValue(0);

		stream.send(event("one too many"));
		stream.send(event("after the drop"));

		assertThat(this.closes).as("dropped").hasValue(1);
		assertThat(stream.backlog()).as("the queue is discarded; only the completion waits").isEqualTo(1);
		stuck.unblock();
		Awaitility.await().atMost(PATIENCE).until(() -> stuck.completed);
		assertThat(stuck.received).containsExactly("first");
		assertThat(this.closes).hasValue(1);
	}

	@Test
	void endSendsTheLastEventAfterTheOthersThenCompletes() {
		Client client = new Client();
		ClientStream stream = stream(client, 10);

		stream.send(event("a"));
		stream.send(event("b"));
		stream.end(event("last"));
		stream.send(event("too late"));

		Awaitility.await().atMost(PATIENCE).until(() -> client.completed);
		assertThat(client.received).containsExactly("a", "b", "last");
	}

	@Test
	void aStreamThatEndsIsForgottenOnceThoughTheResponseNeverSaysItCompleted() {
		Client client = new Client();
		ClientStream stream = stream(client, 10);

		stream.end(event("last"));

		Awaitility.await().atMost(PATIENCE).until(() -> client.completed);
		Awaitility.await().atMost(PATIENCE).until(() -> this.closes.get() == 1);
		stream.closed();
		assertThat(this.closes).as("told once").hasValue(1);
	}

	@Test
	void closingCompletesWithoutWhatIsStillQueued() throws InterruptedException {
		Client stuck = new Client().stuck();
		ClientStream stream = stream(stuck, 10);
		stream.send(event("under way"));
		assertThat(stuck.writing.await(10, TimeUnit.SECONDS)).isTrue();
		stream.send(event("queued"));

		stream.close();
		stuck.unblock();

		Awaitility.await().atMost(PATIENCE).until(() -> stuck.completed);
		assertThat(stuck.received).containsExactly("under way");
		assertThat(this.closes).hasValue(1);
	}

	@Test
	void aClientThatLeftGetsNothingMore() {
		Client client = new Client();
		ClientStream stream = stream(client, 10);

		stream.closed();
		stream.send(event("nobody reads this"));
		stream.closed();

		assertThat(stream.backlog()).isZero();
		assertThat(this.closes).as("told once").hasValue(1);
		assertThat(client.received).isEmpty();
	}

	private ClientStream stream(Client client, int capacity) {
		return new ClientStream(client, capacity, this.senders, this.closes::incrementAndGet);
	}

	private static SseEmitter.SseEventBuilder event(String name) {
		return SseEmitter.event().name(name);
	}

	/** An emitter that records the names of the events written to it, and can block in a write like a full socket. */
	static final class Client extends SseEmitter {

		final List<String> received = new CopyOnWriteArrayList<>();

		final CountDownLatch writing = new CountDownLatch(1);

		private final CountDownLatch gate = new CountDownLatch(1);

		private final AtomicInteger atOnce = new AtomicInteger();

		private final AtomicInteger mostAtOnce = new AtomicInteger();

		private volatile boolean blocking;

		volatile boolean completed;

		Client stuck() {
			this.blocking = true;
			return this;
		}

		void unblock() {
			this.gate.countDown();
		}

		int mostAtOnce() {
			return this.mostAtOnce.get();
		}

		@Override
		public void send(SseEventBuilder builder) {
			this.mostAtOnce.accumulateAndGet(this.atOnce.incrementAndGet(), Math::max);
			try {
				this.writing.countDown();
				if (this.blocking) {
					this.gate.await();
				}
				this.received.add(builder.build()
					.stream()
					.map((data) -> data.getData().toString())
					.collect(Collectors.joining())
					.replace("event:", "")
					.strip());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.atOnce.decrementAndGet();
			}
		}

		@Override
		public void complete() {
			super.complete();
			this.completed = true;
		}

	}

}
