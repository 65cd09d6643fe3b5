package dev.spool.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.thymeleaf.cache.TemplateCacheKey;
import org.thymeleaf.spring6.SpringTemplateEngine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/** Without an access token: what a web page on another site could make the user's browser do is refused. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSecurityTests {

	static final Path WORKSPACE = workspace("open");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.allowed-hosts", () -> "spool.lan");
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@LocalServerPort
	int port;

	@Autowired
	SpringTemplateEngine templates;

	/** First, before any test of the class renders a page: only Spool itself can have rendered the board by then. */
	@Test
	@Order(1)
	void theBoardIsRenderedOnceBySpoolItselfAsItBecomesReadySoThatNoPersonWaitsForTheTemplateEngine() {
		// Spool addresses itself as localhost, which other allowed names (spool.lan here) do not replace.
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(cachedTemplates(this.templates)).contains("index"));
	}

	static List<String> cachedTemplates(SpringTemplateEngine templates) {
		return templates.getCacheManager()
			.getTemplateCache()
			.keySet()
			.stream()
			.map(TemplateCacheKey::getTemplate)
			.toList();
	}

	@Test
	void aFormPostWithoutItsCsrfTokenIsRefusedAndWritesNothing() throws Exception {
		int before = taskFiles().size();
		this.mvc.perform(post("/tasks").param("prompt", "cross-site")).andExpect(status().isForbidden());
		this.mvc.perform(post("/tasks").with(csrf()).param("prompt", "same site").param("agent", "nobody"))
			.andExpect(status().is3xxRedirection());

		assertThat(taskFiles()).hasSize(before + 1);
	}

	@Test
	void everyPageSaysWhatItMayLoadAndAnswersMayNotFetchFromOtherSites() throws Exception {
		for (String page : List.of("/", "/agents", "/manifest", "/api/tasks")) {
			this.mvc.perform(get(page))
				.andExpect(header().string("Content-Security-Policy", containsString("default-src 'self';")))
				.andExpect(header().string("Content-Security-Policy", containsString("img-src 'self' data:;")))
				.andExpect(header().string("Content-Security-Policy",
						allOf(containsString("frame-ancestors 'none'"), containsString("base-uri 'none'"),
								containsString("form-action 'self'"), containsString("connect-src 'self'"),
								not(containsString("unsafe")), not(containsString("https:")))));
		}
	}

	@Test
	void everyFormCarriesACsrfToken() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(content().string(containsString("name=\"_csrf\"")));
	}

	@Test
	void apiChangesMustSayTheySendJson() throws Exception {
		long before = taskFiles().size();
		this.mvc.perform(post("/api/tasks").contentType(MediaType.TEXT_PLAIN).content("{\"prompt\":\"x\"}"))
			.andExpect(status().isUnsupportedMediaType())
			.andExpect(jsonPath("$.detail").value(containsString("application/json")));
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_FORM_URLENCODED).param("prompt", "x"))
			.andExpect(status().isUnsupportedMediaType());
		this.mvc.perform(post("/api/tasks/task_001/cancel")).andExpect(status().isUnsupportedMediaType());
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"x\",\"agent\":\"nobody\"}"))
			.andExpect(status().isCreated());

		assertThat(taskFiles()).hasSize((int) before + 1);
	}

	@Test
	void aPercentEncodedApiPathIsStillTheApiAndMustSendJson() throws Exception {
		TaskId id = held(this.store);
		this.mvc.perform(post(URI.create("/%61pi/tasks/" + id + "/cancel")).contentType(MediaType.TEXT_PLAIN))
			.andExpect(status().isUnsupportedMediaType());
		HttpResponse<String> overHttp = plainTextPost(this.port, "/%61pi/tasks/" + id + "/cancel", null);

		assertThat(overHttp.statusCode()).as(overHttp.body()).isEqualTo(415);
		assertThat(this.store.index().find(id).orElseThrow().state()).isEqualTo(TaskState.PENDING);
		this.mvc.perform(post("/api/tasks/" + id + "/cancel").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk());
	}

	/** A pending task no agent takes. */
	static TaskId held(TaskStore store) {
		return store.create(aTask("hold").titled("Held").held().build()).id();
	}

	/** A cross-site form as a browser sends it: plain text, to a raw path that Tomcat passes on undecoded. */
	static HttpResponse<String> plainTextPost(int port, String rawPath, String cookie) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + rawPath))
			.header("Content-Type", "text/plain")
			.header("Origin", "http://evil.example")
			.POST(HttpRequest.BodyPublishers.ofString("x"));
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void requestsAddressedToAnotherHostAreRefused() throws Exception {
		this.mvc.perform(get("/api/tasks").header("Host", "evil.example:8080"))
			.andExpect(status().is(421))
			.andExpect(jsonPath("$.detail").value(containsString("evil.example")));
		this.mvc.perform(get("/").header("Host", "attacker.test")).andExpect(status().is(421));
		this.mvc.perform(get("/api/tasks").header("Host", "localhost:8080")).andExpect(status().isOk());
		this.mvc.perform(get("/api/tasks").header("Host", "127.0.0.1:8080")).andExpect(status().isOk());
		this.mvc.perform(get("/api/tasks").header("Host", "[::1]:8080")).andExpect(status().isOk());
		this.mvc.perform(get("/api/tasks").header("Host", "spool.lan")).andExpect(status().isOk());
	}

	static Path workspace(String name) {
		try {
			return Files.createTempDirectory("spool-" + name + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static java.util.List<Path> taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.toList();
		}
	}

}
