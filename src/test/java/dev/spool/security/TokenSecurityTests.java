package dev.spool.security;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** With {@code spool.api-token}: the API needs it as a bearer token, the dashboard a login with it. */
@SpringBootTest
@AutoConfigureMockMvc
class TokenSecurityTests {

	private static final Path WORKSPACE = OpenSecurityTests.workspace("token");

	private static final String TOKEN = "s3cret-token";

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.api-token", () -> TOKEN);
	}

	@Autowired
	MockMvc mvc;

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
	void healthStaysOpenForProbes() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk());
	}

	@Test
	void pagesNeedALoginWithTheToken() throws Exception {
		this.mvc.perform(get("/")).andExpect(redirectedUrl("/login"));
		this.mvc.perform(get("/login")).andExpect(status().isOk());
		this.mvc.perform(post("/login").with(csrf()).param("username", "spool").param("password", "wrong"))
			.andExpect(redirectedUrl("/login?error"));

		MockHttpSession session = (MockHttpSession) this.mvc
			.perform(post("/login").with(csrf()).param("username", "spool").param("password", TOKEN))
			.andExpect(redirectedUrl("/"))
			.andReturn()
			.getRequest()
			.getSession();

		this.mvc.perform(get("/").session(session)).andExpect(status().isOk());
		this.mvc.perform(get("/agents").session(session)).andExpect(status().isOk());
	}

}
