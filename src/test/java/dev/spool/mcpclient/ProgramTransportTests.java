package dev.spool.mcpclient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transport to a server's program takes messages from several threads at once, as the MCP client sends them (a
 * call, while the reader thread answers a request or a notification of the server's): every one reaches the program.
 */
class ProgramTransportTests {

	/** Senders at once, and messages each: enough that two meet at the sink nearly every run without the fix. */
	private static final int SENDERS = 8;

	private static final int MESSAGES = 2_000;

	@TempDir
	Path workspace;

	private ProgramTransport transport;

	@AfterEach
	void close() {
		if (this.transport != null) {
			this.transport.closeGracefully().block(Duration.ofSeconds(10));
		}
	}

	@Test
	void messagesSentFromManyThreadsAtOnceAllReachTheProgram() throws Exception {
		// cat sends every line back, so what reached the program is what the transport reads.
		this.transport = new ProgramTransport(ServerParameters.builder("/bin/cat").build(), this.workspace);
		Set<Object> echoed = ConcurrentHashMap.newKeySet();
		this.transport.connect((messages) -> messages.doOnNext((message) -> echoed
			.add(((McpSchema.JSONRPCNotification) message).params())).then(Mono.empty())).block(Duration.ofSeconds(10));
		List<Throwable> refused = new CopyOnWriteArrayList<>();
		CountDownLatch ready = new CountDownLatch(SENDERS);
		ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
		try {
			List<Future<?>> sent = new java.util.ArrayList<>();
			for (int s = 0; s < SENDERS; s++) {
				int sender = s;
				sent.add(senders.submit(() -> {
					ready.countDown();
					ready.await();
					for (int m = 0; m < MESSAGES; m++) {
						JSONRPCMessage message = new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
								"notifications/message", Map.of("n", sender + "." + m));
						this.transport.sendMessage(message).doOnError(refused::add).onErrorComplete().block();
					}
					return null;
				}));
			}
			for (Future<?> future : sent) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			senders.shutdownNow();
		}

		assertThat(refused).as("messages the transport refused").isEmpty();
		await().atMost(Duration.ofSeconds(60)).until(() -> echoed.size() == SENDERS * MESSAGES);
	}

}
