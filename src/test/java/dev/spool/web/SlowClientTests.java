package dev.spool.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser tab that stops reading its event stream (its TCP window full) over real sockets: another tab still gets
 * every event at once, the stuck one is dropped once it falls a whole buffer behind, and it can connect again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SlowClientTests {

	private static final Path WORKSPACE = TestWorkspaces.create("slow-client");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	/** How long a reading client may wait for an event; the old single sender held it up for Tomcat's 60 s. */
	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	/** Makes every event of its task a few hundred bytes, to fill the stuck client's buffers sooner. */
	private static final String TITLE = "A title long enough to fill buffers ".repeat(6);

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.stream-buffer", () -> "100");
	}

	@LocalServerPort
	int port;

	@Autowired
	EventStreams streams;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aClientThatStopsReadingIsDroppedWhileAReadingClientGetsEveryEventAtOnce() throws Exception {
		try (Socket stuck = new Socket()) {
			stuck.setReceiveBufferSize(1024);
			stuck.connect(new InetSocketAddress("127.0.0.1", this.port));
			requestEvents(stuck);
			Awaitility.await().atMost(PATIENCE).until(() -> this.streams.openCount() == 1);
			List<String> reading = subscribe();
			assertThat(this.streams.openCount()).isEqualTo(2);

			List<String> created = new ArrayList<>();
			while (this.streams.openCount() == 2) {
				assertThat(created).as("tasks created without the stuck client being dropped").hasSizeLessThan(2_000);
				for (int i = 0; i < 20; i++) {
					created.add(create());
				}
				String last = created.get(created.size() - 1);
				Awaitility.await("the reading client sees " + last)
					.atMost(PROMPTLY)
					.until(() -> sawEvent(reading, last, "pending"));
			}
			String afterTheDrop = create();
			created.add(afterTheDrop);
			Awaitility.await().atMost(PROMPTLY).until(() -> sawEvent(reading, afterTheDrop, "pending"));
			Awaitility.await("every task done, and every change seen by the reading client")
				.atMost(PATIENCE)
				.untilAsserted(() -> assertThat(created).allSatisfy((id) -> assertThat(sawEvent(reading, id, "done"))
					.as(id + " done").isTrue()));
			assertThat(this.streams.openCount()).as("only the reading client").isEqualTo(1);

			String received = readToTheEnd(stuck);
			assertThat(received).startsWith("HTTP/1.1 200").contains(":connected").contains(created.get(0));
			assertThat(received).as("events after the drop were discarded, not queued")
				.doesNotContain(afterTheDrop);
		}

		try (Socket again = new Socket("127.0.0.1", this.port)) {
			requestEvents(again);
			assertThat(readUntil(again, ":connected")).startsWith("HTTP/1.1 200");
			assertThat(this.streams.openCount()).isEqualTo(2);
			String id = create();
			assertThat(readUntil(again, "\"id\":\"" + id + "\"")).contains("event:task");
		}
	}

	/**
	 * Fixes the server's socket send buffers at a small size. Left to itself, Linux grows a loopback connection's
	 * buffer to megabytes before a write blocks; the behaviour is the same, only the test would take minutes.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSendBuffers {

		@Bean
		TomcatConnectorCustomizer smallSendBuffers() {
			return (connector) -> connector.setProperty("socket.txBufSize", "8192");
		}

	}

	private void requestEvents(Socket socket) throws IOException {
		socket.getOutputStream()
			.write(("GET /api/events HTTP/1.1\r\nHost: localhost:" + this.port
					+ "\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	/** Reads what the server sent until the response ended: the last chunk, or the connection closed. */
	private static String readToTheEnd(Socket socket) throws IOException {
		socket.setSoTimeout((int) PATIENCE.toMillis());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[8192];
		try {
			for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
				bytes.write(buffer, 0, n);
				if (bytes.toString(StandardCharsets.UTF_8).endsWith("\r\n0\r\n\r\n")) {
					break;
				}
			}
		}
		catch (SocketException ex) {
			// Reset by the server: also an end.
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static String readUntil(Socket socket, String expected) throws IOException {
		socket.setSoTimeout((int) PROMPTLY.toMillis());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[8192];
		while (!bytes.toString(StandardCharsets.UTF_8).contains(expected)) {
			int n = in.read(buffer);
			assertThat(n).as("the stream ended before " + expected).isNotNegative();
			bytes.write(buffer, 0, n);
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private List<String> subscribe() {
		List<String> lines = new CopyOnWriteArrayList<>();
		HttpRequest request = HttpRequest.newBuilder(uri("/api/events")).header("Accept", "text/event-stream").build();
		this.http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
			.thenAccept((response) -> response.body().forEach(lines::add));
		Awaitility.await().atMost(PATIENCE).until(() -> lines.contains(":connected"));
		return lines;
	}

	private static boolean sawEvent(List<String> lines, String id, String status) {
		String expected = "\"id\":\"" + id + "\",\"status\":\"" + status + "\"";
		return lines.stream().anyMatch((line) -> line.contains(expected));
	}

	private String create() throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri("/api/tasks"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Say something\",\"title\":\"" + TITLE + "\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body()).path("id").asString();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
