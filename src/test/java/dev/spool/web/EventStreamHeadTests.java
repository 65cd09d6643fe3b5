package dev.spool.web;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;

/**
 * A stream's first bytes, and with them its response's headers, are written on the request's own thread: Tomcat's
 * headers are not safe to touch from two threads, and a sender writing them as the client leaves would race Tomcat
 * recycling the response.
 */
class EventStreamHeadTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final ThreadPoolExecutor senders = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>());

	private final EventStreams streams = new EventStreams(16, 4, this.senders);

	private final Opening opening = new Opening(this.streams);

	private final MockMvc mvc = MockMvcBuilders.standaloneSetup(this.opening).build();

	@AfterEach
	void stop() {
		this.release.countDown();
		this.streams.close();
	}

	@Test
	void aStreamIsCommittedWithItsFirstCommentBeforeAnySenderRuns() throws Exception {
		this.senders.execute(this::awaitRelease); // the only sender is busy until the end

		MvcResult result = this.mvc.perform(get("/open")).andExpect(request().asyncStarted()).andReturn();

		assertThat(result.getResponse().isCommitted()).as("the response's head is sent").isTrue();
		assertThat(result.getResponse().getContentType()).startsWith("text/event-stream");
		assertThat(result.getResponse().getContentAsString()).isEqualTo(":connected\n\n");
	}

	@Test
	void eventsSentLaterFollowTheFirstComment() throws Exception {
		this.release.countDown();
		MvcResult result = this.mvc.perform(get("/open")).andExpect(request().asyncStarted()).andReturn();
		SseEmitter emitter = this.opening.last;

		this.streams.send(emitter, SseEmitter.event().name("task").data("one"));
		this.streams.end(emitter, SseEmitter.event().name("end").data("two"));

		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> result.getResponse().getContentAsString().contains("data:two"));
		assertThat(result.getResponse().getContentAsString())
			.isEqualTo(":connected\n\nevent:task\ndata:one\n\nevent:end\ndata:two\n\n");
	}

	private void awaitRelease() {
		try {
			this.release.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@RestController
	static final class Opening {

		private volatile SseEmitter last;

		private final EventStreams streams;

		Opening(EventStreams streams) {
			this.streams = streams;
		}

		@GetMapping("/open")
		SseEmitter open() {
			SseEmitter emitter = this.streams.open("127.0.0.1", (closed) -> {
			});
			this.last = emitter;
			return emitter;
		}

	}

}
