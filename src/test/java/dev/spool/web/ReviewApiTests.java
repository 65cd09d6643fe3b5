package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A person in the loop through the API, with a model agent answering through a local stub of the OpenAI API: a
 * reviewed answer waits in review with its dependant held; approving releases it; rejecting with a note sends the task
 * back, and the model's next request carries the rejected answer and the note; a plain {@code mv} approves too.
 */
@WebTest
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model" })
class ReviewApiTests {

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Path WORKSPACE = TestWorkspaces.create("review");

	private static final AtomicInteger answers = new AtomicInteger();

	private static ModelStub model;

	@DynamicPropertySource
	static void spool(DynamicPropertyRegistry registry) throws IOException {
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("writer.md"), "---\nroles: [writer]\n---\nYou write.\n");
		Files.writeString(agents.resolve("careful.md"), "---\nroles: [careful]\nreview: true\n---\nYou write carefully.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spring.ai.openai.base-url", () -> model.baseUrl());
		registry.add("spring.ai.openai.max-retries", () -> "0");
		registry.add("spool.max-attempts", () -> "1");
	}

	@BeforeAll
	static void startTheModel() {
		model = ModelStub.start()
			.otherwise((request) -> ModelReply.text("Answer " + answers.incrementAndGet() + " to: " + firstLine(request)));
	}

	@AfterAll
	static void stopTheModel() {
		model.close();
	}

	@Autowired
	MockMvc mvc;

	@Test
	void aReviewedAnswerHoldsItsDependantUntilApprovedAndASecondDecisionIsRefusedWithWhoDecided() throws Exception {
		String draft = create("{\"prompt\":\"Draft the owl notice\",\"role\":\"writer\",\"review\":true}");
		String use = create("{\"prompt\":\"Post the owl notice\",\"role\":\"writer\",\"dependsOn\":[\"" + draft + "\"]}");

		awaitState(draft, "review");
		this.mvc.perform(get("/api/tasks/" + draft + "/output")).andExpect(status().isOk());
		this.mvc.perform(get("/api/tasks?status=review")).andExpect(jsonPath("$.tasks[?(@.id == '" + draft + "')]")
			.exists());
		assertThat(state(use)).as("the dependant waits for the approval").isEqualTo("pending");
		assertThat(promptsAbout("Post the owl notice")).isEmpty();

		this.mvc.perform(post("/api/tasks/" + draft + "/approve").contentType(MediaType.APPLICATION_JSON)
			.content("{\"by\":\"alice\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("done"));
		awaitState(use, "done");
		assertThat(promptsAbout("Post the owl notice")).singleElement().asString().contains("## Output of " + draft);
		this.mvc.perform(post("/api/tasks/" + draft + "/reject").contentType(MediaType.APPLICATION_JSON)
			.content("{\"note\":\"too late\"}"))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("already approved by alice")));
		this.mvc.perform(get("/api/tasks/" + draft))
			.andExpect(jsonPath("$.history[-1].outcome").value("APPROVED"))
			.andExpect(jsonPath("$.history[-1].by").value("alice"));
	}

	@Test
	void aRejectedAnswerAndTheNoteReachTheModelsNextRequestAndTheRejectionSpendsNoAttempt() throws Exception {
		String id = create("{\"prompt\":\"Name the owl\",\"role\":\"writer\",\"review\":true}");
		awaitState(id, "review");
		String first = output(id);

		this.mvc.perform(post("/api/tasks/" + id + "/reject").contentType(MediaType.APPLICATION_JSON)
			.content("{\"note\":\"Shorter, and in French.\",\"by\":\"bob\"}"))
			.andExpect(status().isOk());

		await().atMost(PATIENCE).until(() -> promptsAbout("Name the owl").size() == 2);
		awaitState(id, "review");
		String second = promptsAbout("Name the owl").get(1);
		assertThat(second).startsWith("## Your task\n\nName the owl")
			.contains("## Your previous answer, rejected by a reviewer\n\n" + first.strip())
			.contains("## The reviewer's note\n\nShorter, and in French.");
		assertThat(promptsAbout("Name the owl").get(0)).doesNotContain("rejected");
		assertThat(output(id)).isNotEqualTo(first);
		this.mvc.perform(get("/api/tasks/" + id))
			.andExpect(jsonPath("$.history[1].outcome").value("REJECTED"))
			.andExpect(jsonPath("$.history[1].by").value("bob"))
			.andExpect(jsonPath("$.history[1].note").value("Shorter, and in French."));
	}

	@Test
	void anAgentDefinedWithReviewSendsEveryAnswerToReviewAndMvApprovesIt() throws Exception {
		String id = create("{\"prompt\":\"Count the owls\",\"role\":\"careful\"}");
		awaitState(id, "review");

		Path tasks = WORKSPACE.resolve("tasks");
		Files.move(tasks.resolve(id + "_review.md"), tasks.resolve(id + "_done.md"), StandardCopyOption.ATOMIC_MOVE);

		await().atMost(PATIENCE).untilAsserted(() -> this.mvc.perform(get("/api/tasks/" + id))
			.andExpect(jsonPath("$.status").value("done"))
			.andExpect(jsonPath("$.history[-1].outcome").value("APPROVED"))
			.andExpect(jsonPath("$.history[-1].by").value("outside")));
		this.mvc.perform(get("/api/tasks/" + id + "/output")).andExpect(status().isOk());
	}

	@Test
	void decidingATaskThatIsNotInReviewIsAConflictThatSaysWhy() throws Exception {
		String id = create("{\"prompt\":\"Wait for nobody\",\"agent\":\"nobody\",\"review\":true}");

		this.mvc.perform(post("/api/tasks/" + id + "/approve").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.detail").value(id + " is pending, not in review: only a task whose answer awaits "
					+ "review can be approved or rejected"));
		this.mvc.perform(post("/api/tasks/" + id + "/reject").contentType(MediaType.APPLICATION_JSON)
			.content("{\"note\":\"" + "x".repeat(10_001) + "\"}"))
			.andExpect(status().isBadRequest());
		this.mvc.perform(post("/api/tasks/task_99999/approve").contentType(MediaType.APPLICATION_JSON))
			.andExpect(status().isNotFound());
	}

	private String create(String json) throws Exception {
		return JsonPath.read(this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content(json))
			.andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString(), "$.id");
	}

	private String state(String id) throws Exception {
		return JsonPath.read(this.mvc.perform(get("/api/tasks/" + id)).andReturn().getResponse().getContentAsString(),
				"$.status");
	}

	private void awaitState(String id, String state) {
		await().atMost(PATIENCE).until(() -> state.equals(state(id)));
	}

	private String output(String id) throws Exception {
		return this.mvc.perform(get("/api/tasks/" + id + "/output")).andReturn().getResponse().getContentAsString();
	}

	private static List<String> promptsAbout(String text) {
		return model.prompts().stream().filter((prompt) -> prompt.contains(text)).toList();
	}

	private static String firstLine(ModelRequest request) {
		String prompt = request.prompt();
		return prompt.lines().filter((line) -> !line.isBlank() && !line.startsWith("#")).findFirst().orElse("");
	}

}
