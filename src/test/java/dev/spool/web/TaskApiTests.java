package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The REST API's happy paths and every kind of bad input; tasks routed to "nobody" stay pending. */
@WebTest
class TaskApiTests {

	private static final Path WORKSPACE = TestWorkspaces.create("api");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.max-prompt-size", () -> "2KB");
	}

	@Autowired
	MockMvc mvc;

	private long filesBefore;

	@BeforeEach
	void countFiles() throws IOException {
		this.filesBefore = taskFileCount();
	}

	@Test
	void aTaskCreatedWithAParentIsItsSubtaskInTheApiBothWays() throws Exception {
		String parent = JsonPath.read(this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"Plan\",\"agent\":\"nobody\"}"))
			.andExpect(jsonPath("$.children.length()").value(0))
			.andReturn()
			.getResponse()
			.getContentAsString(), "$.id");
		String child = JsonPath.read(this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"Step\",\"agent\":\"nobody\",\"parent\":\"" + parent + "\"}"))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.parent").value(parent))
			.andReturn()
			.getResponse()
			.getContentAsString(), "$.id");

		this.mvc.perform(get("/api/tasks/" + parent))
			.andExpect(jsonPath("$.children[0]").value(child))
			.andExpect(jsonPath("$.parent").doesNotExist());
		this.mvc.perform(get("/api/tasks?limit=5"))
			.andExpect(jsonPath("$.tasks[?(@.id == '" + child + "')].parent").value(parent));
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\":\"Orphan\",\"parent\":\"task_99999\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("its parent task_99999 does not exist"));
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\":\"Orphan\",\"parent\":\"../x\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("is not a task id")));
		assertThat(taskFileCount()).isEqualTo(this.filesBefore + 2);
	}

	@Test
	void creatingATaskAnswers201WithItsLocation() throws Exception {
		MvcResult result = this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"Hold this\",\"title\":\"T\",\"agent\":\"nobody\",\"priority\":2}"))
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", containsString("/api/tasks/task_")))
			.andExpect(jsonPath("$.status").value("pending"))
			.andExpect(jsonPath("$.title").value("T"))
			.andReturn();
		String location = result.getResponse().getHeader("Location");

		this.mvc.perform(get(location))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.prompt").value("Hold this"))
			.andExpect(jsonPath("$.agent").value("nobody"))
			.andExpect(jsonPath("$.priority").value(2))
			.andExpect(jsonPath("$.attempts").value(0));
		assertThat(taskFileCount()).isEqualTo(this.filesBefore + 1);
	}

	@Test
	void listingFiltersByStatusAndPages() throws Exception {
		for (int i = 0; i < 3; i++) {
			createHeld("listed " + i);
		}
		this.mvc.perform(get("/api/tasks").param("status", "pending").param("limit", "2"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tasks.length()").value(2))
			.andExpect(jsonPath("$.limit").value(2))
			.andExpect(jsonPath("$.tasks[0].status").value("pending"));
		this.mvc.perform(get("/api/tasks").param("status", "done"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.tasks[?(@.status != 'done')]").isEmpty());
	}

	@Test
	void cancelAndRetryMoveTheTaskAndRefuseWhatDoesNotApply() throws Exception {
		String id = createHeld("to cancel");

		this.mvc.perform(post("/api/tasks/" + id + "/retry").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(containsString("only failed or cancelled")));
		this.mvc.perform(post("/api/tasks/" + id + "/cancel").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("cancelled"));
		assertThat(WORKSPACE.resolve("tasks/" + id + "_cancelled.md")).exists();
		this.mvc.perform(post("/api/tasks/" + id + "/cancel").contentType(MediaType.APPLICATION_JSON)).andExpect(status().isConflict());
		this.mvc.perform(post("/api/tasks/" + id + "/retry").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("pending"));
	}

	@Test
	void outputIsNotFoundUntilThereIsOne() throws Exception {
		String id = createHeld("no output yet");
		this.mvc.perform(get("/api/tasks/" + id + "/output")).andExpect(status().isNotFound());

		Files.writeString(WORKSPACE.resolve("outputs/" + id + "_result.md"), "# Result\n");

		this.mvc.perform(get("/api/tasks/" + id + "/output"))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith("text/markdown"))
			.andExpect(content().string("# Result\n"));
	}

	@Test
	void theOutputIsShownWithoutTheHeaderThatSaysWhoWroteIt() throws Exception {
		String id = createHeld("answered by a shell agent");
		Files.writeString(WORKSPACE.resolve("outputs/" + id + "_result.md"),
				"---\nagent: shellbot\nstarted_at: 2026-01-02T03:04:05Z\nfinished_at: 2026-01-02T03:04:06Z\n---\n# 42\n");

		this.mvc.perform(get("/api/tasks/" + id + "/output"))
			.andExpect(status().isOk())
			.andExpect(content().string("# 42\n"));
	}

	@Test
	void theProtocolsTimingsAreServedForOutsideAgents() throws Exception {
		this.mvc.perform(get("/api/protocol"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.staleAfterMs").value(60000))
			.andExpect(jsonPath("$.heartbeatIntervalMs").value(5000))
			.andExpect(jsonPath("$.maxAttempts").value(3))
			.andExpect(jsonPath("$.rescanIntervalMs").value(5000))
			.andExpect(jsonPath("$.settleMs").value(200));
	}

	@Test
	void unknownIdsAre404AndNonIdsAre400() throws Exception {
		this.mvc.perform(get("/api/tasks/task_99999")).andExpect(status().isNotFound());
		this.mvc.perform(get("/api/tasks/task_99999/output")).andExpect(status().isNotFound());
		this.mvc.perform(post("/api/tasks/task_99999/cancel").contentType(MediaType.APPLICATION_JSON)).andExpect(status().isNotFound());
		this.mvc.perform(get("/api/tasks/nope")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/api/tasks/..%2F..%2Fetc")).andExpect(status().is4xxClientError());
		this.mvc.perform(post("/api/tasks/task_1x/retry").contentType(MediaType.APPLICATION_JSON)).andExpect(status().isBadRequest());
	}

	@Test
	void badInputGetsAClearErrorAndWritesNothing() throws Exception {
		rejected("{\"prompt\": ", 400, "");
		rejected("", 400, "");
		rejected("{}", 400, "prompt is missing");
		rejected("{\"prompt\": \"   \"}", 400, "prompt is missing or empty");
		rejected("{\"prompt\": \"x\", \"agent\": \"../x\"}", 400, "agent name");
		rejected("{\"prompt\": \"x\", \"agent\": \"a_done\"}", 400, "agent name");
		rejected("{\"prompt\": \"x\", \"dependsOn\": [\"task_9999\"]}", 400, "does not exist");
		rejected("{\"prompt\": \"x\", \"dependsOn\": [\"../x\"]}", 400, "not a task id");
		rejected("{\"prompt\": \"x\", \"priority\": \"high\"}", 400, "");
		rejected("{\"prompt\": \"" + "x".repeat(3000) + "\"}", 413, "max-prompt-size");
		this.mvc.perform(post("/api/tasks").contentType(MediaType.TEXT_PLAIN).content("prompt"))
			.andExpect(status().isUnsupportedMediaType());
		this.mvc.perform(get("/api/tasks").param("status", "sleeping")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/api/tasks").param("limit", "0")).andExpect(status().isBadRequest());
		this.mvc.perform(get("/api/tasks").param("limit", "ten")).andExpect(status().isBadRequest());

		assertThat(taskFileCount()).isEqualTo(this.filesBefore);
	}

	@Test
	void theManifestAgentsAndModelAreServed() throws Exception {
		String id = createHeld("in the manifest");

		// The manifest is rewritten once a burst of changes settles.
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> this.mvc.perform(get("/api/manifest"))
				.andExpect(status().isOk())
				.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
				.andExpect(jsonPath("$.tasks[*].id", hasItem(id))));
		this.mvc.perform(get("/api/agents"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$[*].name", hasItem("agent_a")))
			.andExpect(jsonPath("$[?(@.name == 'agent_a')].state").value("idle"));
		this.mvc.perform(get("/api/model"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.offline").value(true))
			.andExpect(jsonPath("$.defaultModel").value("spool-offline"));
		this.mvc.perform(get("/actuator/health")).andExpect(jsonPath("$.status").value("UP"));
	}

	private void rejected(String body, int status, String detail) throws Exception {
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().is(status))
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString(detail)));
	}

	private String createHeld(String prompt) throws Exception {
		MvcResult result = this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"" + prompt + "\",\"agent\":\"nobody\"}"))
			.andExpect(status().isCreated())
			.andReturn();
		String location = result.getResponse().getHeader("Location");
		return location.substring(location.lastIndexOf('/') + 1);
	}

	private static long taskFileCount() throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.count();
		}
	}

}
