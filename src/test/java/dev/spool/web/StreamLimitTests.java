package dev.spool.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One client address holds at most {@code spool.max-streams-per-client} (16) event streams, over real sockets: the
 * 17th ends the address's oldest, and a stream is forgotten when it ends, however it ends: the answer stream of a
 * finished task at once, a client that drops its connection without a word once Spool's keep-alive finds it gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StreamLimitTests {

	private static final Path WORKSPACE = TestWorkspaces.create("stream-limit");

	private static final int MOST = 16;

	private static final String CLIENT = "127.0.0.1";

	/** Long enough for two of Spool's 15 s keep-alive comments, the second of which meets the closed connection. */
	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@LocalServerPort
	int port;

	@Autowired
	EventStreams streams;

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Socket> open = new ArrayList<>();

	@AfterEach
	void closeStreams() throws IOException {
		for (Socket socket : this.open) {
			socket.close();
		}
	}

	@Test
	void aClientHoldsSixteenStreamsAndANewOneEndsItsOldestWhileDroppedOnesAreForgotten() throws Exception {
		String done = finishedTask();
		for (int i = 0; i < MOST + 4; i++) {
			HttpResponse<String> ended = get("/api/tasks/" + done + "/stream");
			assertThat(ended.statusCode()).as("answer stream %d of a finished task, which ends at once", i)
				.isEqualTo(200);
			assertThat(ended.body()).contains("event:end");
		}
		Awaitility.await().atMost(PATIENCE).until(() -> this.streams.openCount(CLIENT) == 0);

		for (int i = 0; i < MOST; i++) {
			events(null);
		}
		assertThat(this.streams.openCount(CLIENT)).isEqualTo(MOST);
		Socket oldest = this.open.get(0);

		events(null);

		assertThat(readUntil(oldest, "made room")).contains("opened more than 16 streams (spool.max-streams-per-client)");
		assertThat(this.streams.openCount(CLIENT)).isEqualTo(MOST);
		Socket elsewhere = events(InetAddress.getByName("127.0.0.2"));
		assertThat(elsewhere).as("another address is not touched").isNotNull();
		assertThat(this.streams.openCount(CLIENT)).isEqualTo(MOST);

		for (Socket socket : List.copyOf(this.open.subList(1, 4))) {
			socket.setSoLinger(true, 0);
			socket.close();
			this.open.remove(socket);
		}
		Awaitility.await("the dropped connections are forgotten")
			.atMost(PATIENCE)
			.until(() -> this.streams.openCount(CLIENT) == MOST - 3);
	}

	/** Opens {@code /api/events} on a socket of its own and waits for the stream to begin. */
	private Socket events(InetAddress from) throws IOException {
		Socket socket = new Socket();
		this.open.add(socket);
		if (from != null) {
			socket.bind(new InetSocketAddress(from, 0));
		}
		socket.connect(new InetSocketAddress(CLIENT, this.port));
		socket.getOutputStream()
			.write(("GET /api/events HTTP/1.1\r\nHost: localhost:" + this.port
					+ "\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		assertThat(readUntil(socket, ":connected")).startsWith("HTTP/1.1 200");
		return socket;
	}

	private static String readUntil(Socket socket, String expected) throws IOException {
		socket.setSoTimeout((int) PATIENCE.toMillis());
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[8192];
		while (!bytes.toString(StandardCharsets.UTF_8).contains(expected)) {
			int n = in.read(buffer);
			assertThat(n).as("the stream ended before " + expected + ": " + bytes).isNotNegative();
			bytes.write(buffer, 0, n);
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private String finishedTask() throws Exception {
		HttpResponse<String> created = this.http.send(HttpRequest.newBuilder(uri("/api/tasks"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Say something\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		String id = JsonMapper.shared().readTree(created.body()).path("id").asString();
		Awaitility.await()
			.atMost(PATIENCE)
			.until(() -> JsonMapper.shared()
				.readTree(this.http.send(HttpRequest.newBuilder(uri("/api/tasks/" + id)).build(),
						HttpResponse.BodyHandlers.ofString()).body())
				.path("status")
				.asString(), "done"::equals);
		return id;
	}

	private HttpResponse<String> get(String path) throws Exception {
		// A stream let in would never end: its whole response is awaited only so long.
		return this.http
			.sendAsync(HttpRequest.newBuilder(uri(path)).header("Accept", "text/event-stream").build(),
					HttpResponse.BodyHandlers.ofString())
			.get(20, TimeUnit.SECONDS);
	}

	private URI uri(String path) {
		return URI.create("http://" + CLIENT + ":" + this.port + path);
	}

}
