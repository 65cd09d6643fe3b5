package dev.spool.web;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every page arrives whole over real HTTP, where Tomcat commits a response after its first 8 KB (MockMvc never does):
 * on a workspace of 150 tasks, to a first visit and to cookies from before a restart, and as an error page when
 * rendering fails half way.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spool.fsync=false")
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WholePageTests {

	private static final Path WORKSPACE = TestWorkspaces.create("whole-pages");

	private static final Pattern FORM_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	private static final Pattern TOKEN_COOKIE = Pattern.compile("^(XSRF-TOKEN=[^;]*)");

	/** Visitors by the cookies their browser sends. */
	private static final Map<String, String> VISITORS = Map.of("a first visit", "",
			"a session cookie from before a restart", "JSESSIONID=0F1E2D3C4B5A69788796A5B4C3D2E1F0",
			"a CSRF cookie from before a restart", "XSRF-TOKEN=1b7e3c2a-0d4f-4a59-9c1e-5f2a8b6d7e90",
			"both", "JSESSIONID=0F1E2D3C4B5A69788796A5B4C3D2E1F0; XSRF-TOKEN=1b7e3c2a-0d4f-4a59-9c1e-5f2a8b6d7e90");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@LocalServerPort
	int port;

	@Autowired
	TaskStore store;

	private final HttpClient http = HttpClient.newHttpClient();

	private List<TaskId> examples;

	private String logMark;

	@BeforeAll
	void fillTheWorkspace() {
		this.examples = BusyWorkspace.fill(this.store, 150);
	}

	/** Marks where this test's part of the log starts: the captured output goes back to the first test's. */
	@BeforeEach
	void markTheLog() {
		this.logMark = "---- " + UUID.randomUUID() + " ----";
		System.out.println(this.logMark);
	}

	@Test
	void everyPageArrivesWholeForEveryVisitor(CapturedOutput output) {
		TaskId done = this.examples.get(0);
		TaskId failed = this.examples.get(1);
		TaskId pending = this.examples.get(2);
		List<String> pages = List.of("/", "/?page=2", "/?state=done", "/?q=busy", "/?retryOf=" + failed,
				"/tasks/" + done, "/tasks/" + failed, "/tasks/" + pending, "/agents", "/manifest");
		VISITORS.forEach((visitor, cookies) -> {
			for (String page : pages) {
				String html = fetchWhole(page, cookies, visitor).body();
				assertThat(count(html, "method=\"post\""))
					.as("every form on %s carries a CSRF token, for %s", page, visitor)
					.isEqualTo(count(html, "name=\"_csrf\""));
			}
			assertThat(fetchWhole("/", cookies, visitor).body()).as("the board for %s", visitor)
				.contains("<h2>New task</h2>", "<form method=\"post\" action=\"/\"", "name=\"_csrf\"")
				.containsPattern("/spool-[0-9a-f]{32}\\.js");
		});
		assertThat(logOfThisTest(output)).doesNotContain("Cannot create a session").doesNotContain(" ERROR ");
	}

	@Test
	void theLiveBoardAndErrorPagesArriveWholeToo(CapturedOutput output) {
		VISITORS.forEach((visitor, cookies) -> {
			HttpResponse<String> fragment = send(get("/?page=1", cookies).header("HX-Request", "true").build(), visitor);
			assertThat(fragment.statusCode()).isEqualTo(200);
			assertThat(fragment.body().strip()).as("the live board for %s", visitor)
				.startsWith("<div id=\"board\"")
				.endsWith("</div>");
			HttpResponse<String> missing = send(get("/tasks/task_99999", cookies).build(), visitor);
			assertThat(missing.statusCode()).isEqualTo(404);
			assertThat(missing.body().strip()).endsWith("</html>").contains("no task task_99999");
		});
		assertThat(logOfThisTest(output)).doesNotContain("Cannot create a session").doesNotContain(" ERROR ");
	}

	@Test
	void theFormOfAFirstVisitSubmitsWithTheCookieItCameWith() {
		HttpResponse<String> board = fetchWhole("/", "", "a first visit");
		String cookie = board.headers()
			.allValues("Set-Cookie")
			.stream()
			.map(TOKEN_COOKIE::matcher)
			.filter(Matcher::find)
			.map((matcher) -> matcher.group(1))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no CSRF cookie with the page: " + board.headers().map()));
		Matcher token = FORM_TOKEN.matcher(board.body());
		assertThat(token.find()).isTrue();

		HttpResponse<String> submitted = send(post("/tasks", cookie,
				"_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8) + "&prompt=from+a+first+visit&agent=" + BusyWorkspace.NOBODY), "a first visit");
		HttpResponse<String> forged = send(post("/tasks", "", "prompt=cross+site&agent=" + BusyWorkspace.NOBODY),
				"a cross-site form");

		assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(302);
		assertThat(submitted.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).contains("created=task_"));
		assertThat(forged.statusCode()).isEqualTo(403);
	}

	@Test
	void aPageThatFailsHalfWayArrivesAsAWholeErrorPage() {
		HttpResponse<String> broken = send(get("/test/fails-half-way", "").header("Accept", "text/html").build(),
				"a first visit");

		assertThat(broken.statusCode()).isEqualTo(500);
		assertThat(broken.body().strip()).endsWith("</html>").doesNotContain("Busy entry 200");
	}

	@Test
	void aFirstVisitGetsItsCsrfCookieWithTheHeadersAndNeverASession() {
		// The agents page has no form: only settling the token before rendering puts it in this page's headers.
		HttpResponse<String> agents = fetchWhole("/agents", "", "a first visit");
		HttpResponse<String> api = send(get("/api/tasks", "").build(), "a program");

		assertThat(agents.headers().allValues("Set-Cookie")).singleElement()
			.satisfies((cookie) -> assertThat(cookie).startsWith("XSRF-TOKEN=").contains("HttpOnly", "SameSite=Lax"));
		assertThat(api.headers().allValues("Set-Cookie")).as("the API hands out no cookies").isEmpty();
	}

	/** A page whose model fails far past Tomcat's 8 KB buffer, as a bug in a template or a model would. */
	@TestConfiguration(proxyBeanMethods = false)
	static class FailingPage {

		@Bean
		FailingPageController failingPageController() {
			return new FailingPageController();
		}

	}

	/** Renders the manifest page from {@link FailingEntry entries} that fail. */
	@Controller
	static class FailingPageController {

		@GetMapping("/test/fails-half-way")
		String manifest(Model model) {
			model.addAttribute("path", "manifest.json");
			model.addAttribute("size", 0);
			model.addAttribute("entries", IntStream.range(0, 300).mapToObj(FailingEntry::new).toList());
			return "manifest";
		}

	}

	/** A manifest entry whose JSON cannot be made after the 250th. */
	record FailingEntry(int number) {

		public String id() {
			return "task_" + this.number;
		}

		public String status() {
			return "done";
		}

		public String title() {
			return "Busy entry " + this.number;
		}

		public String json() {
			if (this.number >= 250) {
				throw new IllegalStateException("no JSON for entry " + this.number);
			}
			return "{ \"id\" : \"task_" + this.number + "\" }".repeat(5);
		}

	}

	private String logOfThisTest(CapturedOutput output) {
		String log = output.getAll();
		return log.substring(log.lastIndexOf(this.logMark));
	}

	private HttpResponse<String> fetchWhole(String path, String cookies, String visitor) {
		HttpResponse<String> response = send(get(path, cookies).build(), visitor);
		assertThat(response.statusCode()).as("%s for %s", path, visitor).isEqualTo(200);
		assertThat(response.body().strip()).as("%s for %s ends where the page ends", path, visitor).endsWith("</html>");
		return response;
	}

	private HttpResponse<String> send(HttpRequest request, String visitor) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			return fail("%s for %s was cut off: %s", request.uri().getPath(), visitor, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private HttpRequest.Builder get(String path, String cookies) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		return cookies.isEmpty() ? request : request.header("Cookie", cookies);
	}

	private HttpRequest post(String path, String cookies, String form) {
		return get(path, cookies).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
	}

	private static int count(String text, String part) {
		return text.split(Pattern.quote(part), -1).length - 1;
	}

}
