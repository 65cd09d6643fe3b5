package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Quiet and Resume through the API and the pages, the "running now" panel, and agent names that link to their tasks,
 * on the shared workspace. The agent quieted here is an outside one seen holding a task, so that no other test's
 * agents stop; the attacker's walk (bad names, an unknown agent, a long reason) writes nothing.
 */
@WebTest
class AgentQuietWebTests {

	private static final Path AGENTS = SharedWorkspace.folder().resolve("agents");

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	private Task held;

	@BeforeEach
	void anOutsideAgentHoldingATask() {
		Task task = this.store.create(aTask("Count the owls").titled("Owl census").forAgent("quiet_probe").build());
		this.store.claim(task, "quiet_probe").orElseThrow();
		this.held = this.store.index().find(task.id()).orElseThrow();
	}

	@Test
	void quietAndResumeThroughTheApiAnswerTheAgentsStatusAndTheMarkerFollows() throws Exception {
		this.mvc.perform(post("/api/agents/quiet_probe/quiet").contentType(MediaType.APPLICATION_JSON)
				.content("{\"reason\": \"counting by hand today\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("quiet_probe"))
			.andExpect(jsonPath("$.quiet").value(true))
			.andExpect(jsonPath("$.quietBecause").value("counting by hand today"));
		assertThat(AGENTS.resolve("quiet_probe.quiet")).hasContent("counting by hand today");
		this.mvc.perform(post("/api/agents/quiet_probe/quiet").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.quiet").value(true));
		this.mvc.perform(get("/api/agents"))
			.andExpect(jsonPath("$[?(@.name == 'quiet_probe')].quiet").value(true));

		this.mvc.perform(post("/api/agents/quiet_probe/resume").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.quiet").value(false));
		this.mvc.perform(post("/api/agents/quiet_probe/resume").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.quiet").value(false));
		assertThat(AGENTS.resolve("quiet_probe.quiet")).doesNotExist();
	}

	@Test
	void anUnknownAgentIsNotFoundAndBadNamesOrReasonsAreRefusedWritingNothing() throws Exception {
		List<Path> before = agentFiles();
		this.mvc.perform(post("/api/agents/agent_nobody_knows/quiet").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.detail").value(containsString("no agent agent_nobody_knows")));
		this.mvc.perform(post("/api/agents/agent_nobody_knows/resume").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isNotFound());
		// A bare "..", an encoded NUL and non-ASCII never reach Spool: Spring Security's firewall refuses them first.
		for (String name : List.of("..", "agent%00a", "ag%C3%A9nt")) {
			this.mvc.perform(post("/api/agents/" + name + "/quiet").contentType(MediaType.APPLICATION_JSON))
				.andExpect(status().isBadRequest());
		}
		for (String name : List.of("a..b", "x".repeat(300), "Agent_A", "agent_done")) {
			this.mvc.perform(post("/api/agents/" + name + "/quiet").contentType(MediaType.APPLICATION_JSON))
				.andExpect(status().isBadRequest())
				.andExpect(jsonPath("$.detail").value(containsString("is not an agent's name")));
		}
		this.mvc.perform(post("/api/agents/quiet_probe/quiet").contentType(MediaType.APPLICATION_JSON)
				.content("{\"reason\": \"" + "z".repeat(501) + "\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("at most 500")));
		this.mvc.perform(post("/agents/a..b/quiet").with(csrf()))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("is not an agent&#39;s name")));
		this.mvc.perform(post("/agents/agent_nobody_knows/quiet").with(csrf()))
			.andExpect(status().isNotFound())
			.andExpect(content().string(containsString("no agent agent_nobody_knows")));
		assertThat(agentFiles()).isEqualTo(before);
	}

	@Test
	void theButtonsQuietAndResumeAndThePagesSayWhatTheAgentDoesWithTheReasonEscaped() throws Exception {
		this.mvc.perform(post("/agents/quiet_probe/quiet").with(csrf())
				.param("reason", "<script>alert(1)</script>").param("back", "/?state=inprogress"))
			.andExpect(redirectedUrl("/?state=inprogress"));

		this.mvc.perform(get("/agents"))
			.andExpect(content().string(allOf(
					containsString("quiet: finishing " + this.held.id() + ", takes no new task"),
					containsString("&lt;script&gt;alert(1)&lt;/script&gt;"), not(containsString("<script>alert(1)")),
					containsString("action=\"/agents/quiet_probe/resume\""))));
		this.mvc.perform(get("/"))
			.andExpect(content().string(allOf(containsString("Running now"),
					containsString("data-running=\"" + this.held.id() + "\" data-agent=\"quiet_probe\""),
					containsString("outside program"), containsString("Owl census"),
					containsString("quiet: finishing " + this.held.id()))));

		this.mvc.perform(post("/agents/quiet_probe/resume").with(csrf()).param("back", "https://elsewhere.example/"))
			.andExpect(redirectedUrl("/"));
		assertThat(AGENTS.resolve("quiet_probe.quiet")).doesNotExist();
		this.mvc.perform(get("/agents")).andExpect(content().string(not(containsString("quiet: finishing"))));
	}

	@Test
	void agentNamesLinkToTheBoardFilteredToThemAndABadAgentFilterIsAClearPage() throws Exception {
		String link = "href=\"/?agent=quiet_probe\"";
		this.mvc.perform(get("/")).andExpect(content().string(containsString(link)));
		this.mvc.perform(get("/agents")).andExpect(content().string(containsString(link)));
		this.mvc.perform(get("/tasks/" + this.held.id())).andExpect(content().string(containsString(link)));
		this.mvc.perform(get("/?agent=quiet_probe&state=inprogress"))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("data-task=\"" + this.held.id() + "\" data-state=\"inprogress\"")));

		this.mvc.perform(get("/?agent=../etc"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(allOf(containsString("is not an agent&#39;s name"), containsString("<html lang=\"en\""))));
	}

	private static List<Path> agentFiles() throws IOException {
		try (Stream<Path> files = Files.list(AGENTS)) {
			return files.sorted().toList();
		}
	}

}
