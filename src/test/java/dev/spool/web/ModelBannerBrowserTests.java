package dev.spool.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.spool.SpoolApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page left open while Spool restarts with another model: the offline-model banner follows the Spool that answers
 * now, both ways (offline to a real model, and the dangerous way back), without a reload; while no Spool answers, the
 * tab's title keeps no count that may no longer hold.
 */
@ExtendWith(OutputCaptureExtension.class)
class ModelBannerBrowserTests {

	private static final DashboardModel MODEL = DashboardModel.start();

	private static final Duration PATIENCE = Duration.ofSeconds(40);

	private static BrowserSupport browser;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void theBrowser() {
		browser = BrowserSupport.start();
	}

	@AfterAll
	static void stopTheBrowserAndTheModel() {
		try {
			if (browser != null) {
				browser.close();
			}
		}
		finally {
			MODEL.stop();
		}
	}

	@Test
	void theOfflineBannerFollowsTheModelOfTheSpoolThatAnswersAcrossRestarts(CapturedOutput output) throws Exception {
		// A workspace of its own, so that a second run of this test (surefire reruns a failed one) starts afresh.
		Path workspace = TestWorkspaces.create("model-banner");
		Files.createDirectories(workspace.resolve("agents"));
		Files.writeString(workspace.resolve("agents/agent_a.md"), "---\nconcurrency: 1\n---\nYou answer briefly.\n");
		int port = freePort();
		String board = "http://127.0.0.1:" + port + "/";
		List<Boolean> shown = new ArrayList<>();
		ConfigurableApplicationContext spool = start(workspace, port, false);
		try {
			// A task that waits for review puts a count at the front of the tab's title.
			post(port, "{\"prompt\": \"Answered, then waits for a person\", \"review\": true}");
			browser.open(board);
			browser.awaitLive();
			browser.until(PATIENCE, (driver) -> driver.getTitle().startsWith("1 to review · ") ? true : null);
			shown.add(bannerShown());
			browser.script("window.__noReload = true");

			spool.close();
			browser.until(PATIENCE, (driver) -> "down".equals(browser.attribute("html", "data-server")));
			assertThat(browser.driver().getTitle()).as("the tab while no Spool answers")
				.isEqualTo("Not answering · Tasks · Spool");

			spool = start(workspace, port, true);
			browser.awaitLive();
			browser.until(PATIENCE, (driver) -> bannerShown() ? null : true);
			shown.add(bannerShown());

			spool.close();
			browser.until(PATIENCE, (driver) -> "down".equals(browser.attribute("html", "data-server")));
			spool = start(workspace, port, false);
			browser.awaitLive();
			browser.until(PATIENCE, (driver) -> bannerShown() ? true : null);
			shown.add(bannerShown());
			assertThat(browser.driver().getTitle()).as("the tab once Spool answers again").startsWith("1 to review · ");
			assertThat(browser.script("return window.__noReload === true")).as("no reload").isEqualTo(true);
			assertThat(browser.accessibilityProblems()).as("axe-core with the banner back").isEmpty();
		}
		finally {
			spool.close();
		}
		assertThat(shown).as("the banner: offline, then a real model, then offline again")
			.containsExactly(true, false, true);
		// Spool stops under the page twice: the stream, and any fetch of a region then under way, lose their connection.
		assertThat(browser.consoleProblems()).as("the console, but for connections lost while Spool stopped")
			.allMatch((message) -> message.contains("/api/events") || BrowserSupport.lostWhileSpoolStopped(message));
		assertThat(output.getAll().lines().filter((line) -> line.contains(" ERROR ") || line.startsWith("\tat ")))
			.as("errors in Spool's log")
			.isEmpty();
	}

	private static ConfigurableApplicationContext start(Path workspace, int port, boolean realModel) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + port, "--spool.workspace=" + workspace,
				"--spool.fsync=false", "--spring.ai.openai.max-retries=0"));
		if (realModel) {
			arguments.addAll(List.of("--spring.ai.openai.api-key=test", "--spring.ai.openai.base-url=" + MODEL.baseUrl()));
		}
		return new SpringApplicationBuilder(SpoolApplication.class).run(arguments.toArray(String[]::new));
	}

	private boolean bannerShown() {
		return Boolean.TRUE.equals(browser.script(
				"const box = document.getElementById('offline-model'); return !!box && !box.hidden && box.offsetHeight > 0"));
	}

	private void post(int port, String body) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tasks"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
