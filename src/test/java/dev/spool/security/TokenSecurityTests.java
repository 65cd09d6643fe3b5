package dev.spool.security;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.thymeleaf.cache.TemplateCacheKey;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/** With {@code spool.api-token}: the API needs it as a bearer token, the dashboard a login with it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenSecurityTests {

	private static final Path WORKSPACE = OpenSecurityTests.workspace("token");

	private static final String TOKEN = "s3cret-token";

	private static final Pattern FORM_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.api-token", () -> TOKEN);
		registry.add("spool.markdown.remote-images", () -> "true");
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@LocalServerPort
	int port;

	@Autowired
	SpringTemplateEngine templates;

	/** First, before any test of the class renders a page: only Spool itself can have rendered one by then. */
	@Test
	@Order(1)
	void theSignInPageThatEveryPersonMeetsFirstIsRenderedOnceBySpoolItselfAsItBecomesReady() {
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(OpenSecurityTests.cachedTemplates(this.templates)).contains("login")
				.doesNotContain("index"));
	}

	@Test
	void theApiNeedsTheBearerToken() throws Exception {
		this.mvc.perform(get("/api/tasks")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/api/tasks").header("Authorization", "Bearer wrong")).andExpect(status().isUnauthorized());
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"x\"}"))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(get("/api/tasks").header("Authorization", "Bearer " + TOKEN)).andExpect(status().isOk());
		this.mvc.perform(post("/api/tasks").header("Authorization", "Bearer " + TOKEN)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\":\"x\",\"agent\":\"nobody\"}")).andExpect(status().isCreated());
	}

	@Test
	void healthStaysOpenForProbesWithItsDetailsForTheTokenOnly() throws Exception {
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.components").doesNotExist())
			.andExpect(jsonPath("$.details").doesNotExist());
		this.mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
		this.mvc.perform(get("/actuator/health/model")).andExpect(jsonPath("$.details").doesNotExist());
		this.mvc.perform(get("/actuator/health").header("Authorization", "Bearer " + TOKEN))
			.andExpect(jsonPath("$.components.model.details.offline").value(true))
			.andExpect(jsonPath("$.components.workspace.details.freeBytes").exists());
	}

	@Test
	void remoteImagesAllowedInAnswersAreAllowedByThePagesPolicy() throws Exception {
		this.mvc.perform(get("/login"))
			.andExpect(header().string("Content-Security-Policy",
					org.hamcrest.Matchers.containsString("img-src 'self' data: https: http:;")));
	}

	@Test
	void wrongTokensFromOneAddressHoldItBackWith429AndRetryAfterWhileOthersGoOn() throws Exception {
		RequestPostProcessor guesser = (request) -> {
			request.setRemoteAddr("10.9.8.7");
			return request;
		};
		for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
			this.mvc.perform(get("/api/tasks").with(guesser).header("Authorization", "Bearer guess-" + i))
				.andExpect(status().isUnauthorized());
		}

		this.mvc.perform(get("/api/tasks").with(guesser).header("Authorization", "Bearer " + TOKEN))
			.andExpect(status().isTooManyRequests())
			.andExpect(header().string("Retry-After", org.hamcrest.Matchers.matchesPattern("[1-5]")))
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("too many wrong tokens")));
		this.mvc.perform(post("/login").with(guesser).param("username", "spool").param("password", TOKEN))
			.andExpect(status().isTooManyRequests());
		this.mvc.perform(get("/api/tasks").header("Authorization", "Bearer " + TOKEN)).andExpect(status().isOk());
	}

	@Test
	void wrongPasswordsOnTheLoginFormHoldTheAddressBack() throws Exception {
		RequestPostProcessor guesser = (request) -> {
			request.setRemoteAddr("10.9.8.6");
			return request;
		};
		MvcResult form = this.mvc.perform(get("/login")).andReturn();
		Cookie cookie = form.getResponse().getCookie("XSRF-TOKEN");
		String token = formToken(form.getResponse().getContentAsString());
		for (int i = 0; i < SignInThrottle.FREE_FAILURES; i++) {
			this.mvc.perform(post("/login").with(guesser).cookie(cookie).param("_csrf", token)
				.param("username", "spool")
				.param("password", "guess-" + i)).andExpect(redirectedUrl("/login?error"));
		}

		this.mvc.perform(post("/login").with(guesser).cookie(cookie).param("_csrf", token)
			.param("username", "spool")
			.param("password", TOKEN)).andExpect(status().isTooManyRequests()).andExpect(header().exists("Retry-After"));
	}

	@Test
	void theApiDescriptionNeedsTheToken() throws Exception {
		this.mvc.perform(get("/v3/api-docs")).andExpect(status().isUnauthorized());
		this.mvc.perform(get("/swagger-ui.html")).andExpect(redirectedUrl("/login"));
		this.mvc.perform(get("/v3/api-docs").header("Authorization", "Bearer " + TOKEN)).andExpect(status().isOk());
	}

	@Test
	void pagesNeedALoginWithTheToken() throws Exception {
		this.mvc.perform(get("/")).andExpect(redirectedUrl("/login"));
		// The login form's own token, as a browser sends it: csrf() would swap Spool's token repository for a test
		// double kept in the session, for every later test in this context, the one over real HTTP included.
		MvcResult login = this.mvc.perform(get("/login")).andExpect(status().isOk()).andReturn();
		Cookie cookie = login.getResponse().getCookie("XSRF-TOKEN");
		String token = formToken(login.getResponse().getContentAsString());
		this.mvc.perform(post("/login").param("username", "spool").param("password", TOKEN))
			.andExpect(status().isForbidden());
		this.mvc.perform(post("/login").cookie(cookie)
			.param("_csrf", token)
			.param("username", "spool")
			.param("password", "wrong")).andExpect(redirectedUrl("/login?error"));

		MockHttpSession session = (MockHttpSession) this.mvc
			.perform(post("/login").cookie(cookie).param("_csrf", token).param("username", "spool").param("password",
					TOKEN))
			.andExpect(redirectedUrl("/"))
			.andReturn()
			.getRequest()
			.getSession();

		this.mvc.perform(get("/").session(session)).andExpect(status().isOk());
		this.mvc.perform(get("/agents").session(session)).andExpect(status().isOk());
	}

	@Test
	void theLoginAndABoardOfManyTasksArriveWholeOverHttpAndAnUnknownSessionSignsInAgain(CapturedOutput output)
			throws Exception {
		for (int i = 0; i < 60; i++) {
			this.store.create(aTask("busy " + i + " " + "words ".repeat(40)).titled("Busy " + i).held().build());
		}
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

		HttpResponse<String> login = send(browser, request("/login", "JSESSIONID=0F1E2D3C4B5A69788796A5B4C3D2E1F0"));
		assertThat(login.statusCode()).isEqualTo(200);
		assertThat(login.body().strip()).endsWith("</html>");
		String token = formToken(login.body());

		HttpResponse<String> signedIn = send(browser, request("/login", null)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("username=spool&password=" + TOKEN + "&_csrf="
					+ URLEncoder.encode(token, StandardCharsets.UTF_8))));
		assertThat(signedIn.statusCode()).isEqualTo(302);
		assertThat(signedIn.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/"));

		HttpResponse<String> board = send(browser, request("/", null));
		assertThat(board.statusCode()).isEqualTo(200);
		assertThat(board.body().strip()).as("the board, signed in").endsWith("</html>").contains("<h2>New task</h2>",
				"name=\"_csrf\"");
		HttpResponse<String> afterRestart = send(HttpClient.newHttpClient(),
				request("/", "JSESSIONID=0F1E2D3C4B5A69788796A5B4C3D2E1F0"));
		assertThat(afterRestart.statusCode()).as("a session Spool no longer knows signs in again").isEqualTo(302);
		assertThat(output.getAll()).doesNotContain("Cannot create a session").doesNotContain(" ERROR ");
	}

	@Test
	void aSignedInBrowserCannotBeMadeToCancelThroughAPercentEncodedPath() throws Exception {
		TaskId id = OpenSecurityTests.held(this.store);
		String session = signIn();

		HttpResponse<String> encoded = OpenSecurityTests.plainTextPost(this.port, "/%61pi/tasks/" + id + "/cancel",
				session);
		assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(415);
		HttpResponse<String> bearer = send(HttpClient.newHttpClient(),
				request("/%61pi/tasks/" + id + "/cancel", null).header("Authorization", "Bearer " + TOKEN)
					.header("Content-Type", "text/plain")
					.POST(HttpRequest.BodyPublishers.ofString("x")));
		assertThat(bearer.statusCode()).as(bearer.body()).isEqualTo(415);
		this.mvc.perform(post(URI.create("/%61pi/tasks/" + id + "/cancel")).header("Authorization", "Bearer " + TOKEN)
			.contentType(MediaType.TEXT_PLAIN)).andExpect(status().isUnsupportedMediaType());
		this.mvc.perform(get(URI.create("/%61pi/tasks"))).andExpect(status().isUnauthorized());

		assertThat(this.store.index().find(id).orElseThrow().state()).isEqualTo(TaskState.PENDING);
	}

	@Test
	void theSessionCookieStaysHomeOnCrossSitePosts() throws Exception {
		HttpResponse<String> signedIn = signInResponse();

		assertThat(signedIn.headers().allValues("Set-Cookie")).filteredOn((cookie) -> cookie.startsWith("JSESSIONID="))
			.singleElement()
			.satisfies((cookie) -> assertThat(cookie).containsIgnoringCase("SameSite=Lax").contains("HttpOnly"));
	}

	/** Signs in over HTTP as a browser does; returns the session cookie. */
	private String signIn() throws Exception {
		return signInResponse().headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("JSESSIONID="))
			.map((cookie) -> cookie.substring(0, cookie.indexOf(';')))
			.findFirst()
			.orElseThrow();
	}

	private HttpResponse<String> signInResponse() throws Exception {
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String token = formToken(send(browser, request("/login", null)).body());
		HttpResponse<String> signedIn = send(browser, request("/login", null)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("username=spool&password=" + TOKEN + "&_csrf="
					+ URLEncoder.encode(token, StandardCharsets.UTF_8))));
		assertThat(signedIn.statusCode()).isEqualTo(302);
		return signedIn;
	}

	private static String formToken(String html) {
		Matcher token = FORM_TOKEN.matcher(html);
		assertThat(token.find()).as("the form carries a CSRF token").isTrue();
		return token.group(1);
	}

	private HttpRequest.Builder request(String path, String cookies) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		return (cookies != null) ? request.header("Cookie", cookies) : request;
	}

	private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) throws Exception {
		try {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new AssertionError("the response was cut off: " + ex, ex);
		}
	}

}
