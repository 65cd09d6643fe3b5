package dev.spool.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import dev.spool.ShippedStack;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.manifest.ManifestReader;
import dev.spool.workspace.TaskIndex;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Pipelines through the API: one task file per stage, followable from the files alone; bad input writes nothing. */
@WebTest
class PipelineApiTests {

	private static final Path WORKSPACE = TestWorkspaces.create("pipelines");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) throws IOException {
		// An editor that is a program outside Spool: stages for its role are accepted and left to it.
		Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
		Files.writeString(agents.resolve("editor.md"), "---\noutside: true\nroles: [editor]\n---\nEdits.\n");
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.max-prompt-size", () -> "2KB");
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskIndex index;

	private List<String> before;

	@BeforeEach
	void listFiles() throws IOException {
		this.before = written();
	}

	@Test
	void aFilesPipelineChainsItsStagesByDependsOn() throws Exception {
		MvcResult result = create("{\"transport\":\"files\",\"stages\":["
				+ "{\"agent\":\"nobody\",\"prompt\":\"Draft it\",\"title\":\"Draft\"},"
				+ "{\"role\":\"editor\",\"prompt\":\"Edit it\"},{\"agent\":\"nobody\",\"prompt\":\"Publish it\"}]}")
			.andExpect(status().isCreated())
			.andExpect(header().string("Location", containsString("/api/pipelines/pipeline_")))
			.andExpect(jsonPath("$.transport").value("files"))
			.andExpect(jsonPath("$.status").value("pending"))
			.andReturn();
		String json = result.getResponse().getContentAsString();
		String id = JsonPath.read(json, "$.id");
		List<String> tasks = JsonPath.read(json, "$.stages[*].task");
		assertThat(id).matches("pipeline_\\d{3,}");
		assertThat(tasks).hasSize(3);

		assertThat(taskFile(tasks.get(0))).contains("pipeline: " + id, "stage: 1", "transport: files",
				"agent: nobody", "title: \"Draft\"").doesNotContain("depends_on");
		assertThat(taskFile(tasks.get(1))).contains("pipeline: " + id, "stage: 2", "transport: files",
				"role: editor", "depends_on: [" + tasks.get(0) + "]");
		assertThat(taskFile(tasks.get(2))).contains("stage: 3", "depends_on: [" + tasks.get(1) + "]");
		assertThat(this.index.find(TaskId.parse(tasks.get(2)).orElseThrow()).map(Task::dependsOn))
			.hasValue(List.of(TaskId.parse(tasks.get(1)).orElseThrow()));

		this.mvc.perform(get("/api/pipelines/" + id))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.id").value(id))
			.andExpect(jsonPath("$.stages[0].task").value(tasks.get(0)))
			.andExpect(jsonPath("$.stages[0].status").value("pending"))
			.andExpect(jsonPath("$.stages[1].role").value("editor"))
			.andExpect(jsonPath("$.stages[2].stage").value(3));
	}

	@Test
	void pipelineIdsAreReservedOnceAndNeverShared() throws Exception {
		String first = JsonPath.read(create(twoStages("files")).andReturn().getResponse().getContentAsString(), "$.id");
		String second = JsonPath.read(create(twoStages("files")).andReturn().getResponse().getContentAsString(),
				"$.id");

		assertThat(second).isNotEqualTo(first);
		assertThat(WORKSPACE.resolve(".spool/pipelines").resolve(first)).exists();
		assertThat(WORKSPACE.resolve(".spool/pipelines").resolve(second)).exists();
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void aFifoStageWaitsOnlyUntilTheStageBeforeItIsTaken() throws Exception {
		String json = create(twoStages("fifo")).andExpect(status().isCreated())
			.andExpect(jsonPath("$.transport").value("fifo"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		List<String> tasks = JsonPath.read(json, "$.stages[*].task");

		assertThat(taskFile(tasks.get(1))).contains("stage: 2", "transport: fifo").doesNotContain("depends_on");
		await(() -> this.index.claimable("nobody", 100).stream().map((task) -> task.id().text()).toList()
			.contains(tasks.get(0)));
		assertThat(this.index.claimable("nobody", 100)).extracting((task) -> task.id().text())
			.as("stage two may not start before stage one is taken")
			.contains(tasks.get(0))
			.doesNotContain(tasks.get(1));
		assertThat(Files.list(WORKSPACE.resolve("pipes")).toList()).as("no pipe before a stage is taken").isEmpty();
	}

	@Test
	void badPipelinesAreRefusedAndWriteNothing() throws Exception {
		String[] bad = { "{\"transport\":\"files\",\"stages\":[{\"prompt\":\"alone\"}]}",
				"{\"transport\":\"smoke\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"b\"}]}",
				"{\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"b\"}]}",
				"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"title\":\"no prompt\"}]}",
				"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"   \"}]}",
				"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"b\",\"agent\":\"x\",\"role\":\"y\"}]}",
				"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"b\",\"agent\":\"../x\"}]}",
				"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},null]}", "{\"transport\":\"files\"}" };
		for (String body : bad) {
			create(body).andExpect(status().isBadRequest())
				.andExpect(header().string("Content-Type", containsString("application/problem+json")))
				.andExpect(jsonPath("$.detail").isNotEmpty());
		}
		create("{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"" + "x".repeat(3000) + "\"}]}")
			.andExpect(status().isContentTooLarge());
		create("{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":\"b\",\"role\":\"astronaut\"}]}")
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("stage 2: no agent lists the role 'astronaut'")));

		assertThat(written()).isEqualTo(this.before);
	}

	@Test
	void pipelinesOfMoreStagesThanTheLimitAreRefusedBeforeAnythingIsWritten() throws Exception {
		awaitManifestOfEveryTask();
		Written before = everythingWritten();

		for (int stages : new int[] { 3000, 51 }) {
			create(stages(stages)).andExpect(status().isBadRequest())
				.andExpect(header().string("Content-Type", containsString("application/problem+json")))
				.andExpect(jsonPath("$.detail").value(
						"a pipeline has at most 50 stages (spool.max-pipeline-stages); this one has " + stages));
		}
		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "files")
			.param("prompt", String.join("\n---\n", java.util.Collections.nCopies(51, "A stage"))))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("a pipeline has at most 50 stages")));

		assertThat(everythingWritten()).isEqualTo(before);
	}

	@Test
	void aPipelineOfAsManyStagesAsTheLimitIsCreated() throws Exception {
		String json = create(stages(50)).andExpect(status().isCreated())
			.andReturn()
			.getResponse()
			.getContentAsString();
		List<String> tasks = JsonPath.read(json, "$.stages[*].task");

		assertThat(tasks).hasSize(50);
		assertThat(taskFile(tasks.get(49))).contains("stage: 50", "depends_on: [" + tasks.get(48) + "]");
	}

	@Test
	void aTaskOnADependencyChainDeeperThanTheLimitIsRefusedBeforeAnythingIsWritten() throws Exception {
		// A pipeline of 50 stages, then tasks each depending on the one before: the 101st link is one too many.
		List<String> chain = JsonPath.read(create(stages(50)).andReturn().getResponse().getContentAsString(),
				"$.stages[*].task");
		String last = chain.get(49);
		for (int depth = 50; depth <= 100; depth++) {
			last = JsonPath.read(createTask(last).andExpect(status().isCreated())
				.andReturn()
				.getResponse()
				.getContentAsString(), "$.id");
		}
		awaitManifestOfEveryTask();
		Written before = everythingWritten();

		createTask(last).andExpect(status().isBadRequest())
			.andExpect(header().string("Content-Type", containsString("application/problem+json")))
			.andExpect(jsonPath("$.detail").value("depends on a chain deeper than 100 unfinished tasks, each "
					+ "depending on the next (spool.max-dependency-depth)"));
		this.mvc.perform(post("/tasks").with(csrf()).param("prompt", "one too many").param("dependsOn", last))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("depends on a chain deeper than 100")));

		assertThat(everythingWritten()).isEqualTo(before);
	}

	@Test
	void aHandWrittenChainOfFiveThousandTasksLeavesTheBoardTheApiAndTaskPagesWorkingAndIsFlagged()
			throws Exception {
		// What an outside writer of tasks/ may leave, never going through Spool: each task depends on the one before.
		Path tasks = WORKSPACE.resolve("tasks");
		int first = 700_001;
		int last = first + 4_999;
		for (int n = first; n <= last; n++) {
			String front = (n == first) ? "agent: nobody\n" : "agent: nobody\ndepends_on: [task_" + (n - 1) + "]\n";
			Files.writeString(tasks.resolve(".task_" + n + ".tmp"), "---\n" + front + "---\nHand-made link " + n + "\n");
			Files.move(tasks.resolve(".task_" + n + ".tmp"), tasks.resolve("task_" + n + "_pending.md"));
		}
		// The whole chain, not only its last task: a rescan (after missed events, say) takes tasks in one at a time in
		// no particular order, so the last may be known while links below it are not yet, and its chain looks short.
		await(() -> java.util.stream.IntStream.rangeClosed(first, last)
			.allMatch((n) -> this.index.find(TaskId.parse("task_" + n).orElseThrow()).isPresent()));
		// A file a rescan found is offered once its settling time is over, rather than when its rename is seen.
		await(() -> this.index.claimable("nobody", 1000).stream().anyMatch((task) -> task.id().number() == first));

		ShippedStack.run(() -> {
			this.mvc.perform(get("/"))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("depends on a chain deeper than 100")));
			this.mvc.perform(get("/api/tasks").param("status", "pending"))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.tasks[0].id").value("task_" + last))
				.andExpect(jsonPath("$.tasks[0].problem").value(containsString("depends on a chain deeper than 100")));
			this.mvc.perform(get("/api/tasks/task_" + last))
				.andExpect(status().isOk())
				.andExpect(jsonPath("$.problem").value(containsString("depends on a chain deeper than 100")));
			this.mvc.perform(get("/tasks/task_" + last))
				.andExpect(status().isOk())
				.andExpect(content().string(containsString("depends on a chain deeper than 100")));
			this.mvc.perform(get("/api/tasks/task_" + (first + 100))).andExpect(jsonPath("$.problem").doesNotExist());
			assertThat(this.index.claimable("nobody", 1000)).extracting((task) -> task.id().text())
				.contains("task_" + first)
				.doesNotContain("task_" + (first + 1), "task_" + last);
		});
	}

	private static String stages(int count) {
		return "{\"transport\":\"files\",\"stages\":["
				+ String.join(",", java.util.Collections.nCopies(count, "{\"agent\":\"nobody\",\"prompt\":\"S\"}"))
				+ "]}";
	}

	private org.springframework.test.web.servlet.ResultActions createTask(String dependsOn) throws Exception {
		return this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\":\"Next link\",\"agent\":\"nobody\",\"dependsOn\":[\"" + dependsOn + "\"]}"));
	}

	/** What a refused request must leave as it was: the files and the manifest's tasks. */
	/**
	 * The files, and what the manifest says of each task by id: a snapshot rewritten meanwhile lists the same entries
	 * in another order than the snapshot and journal it replaced.
	 */
	record Written(List<String> files, Map<String, String> manifest) {
	}

	private Written everythingWritten() throws IOException {
		try (Stream<Path> files = Files.walk(WORKSPACE)) {
			List<String> names = files.map((path) -> WORKSPACE.relativize(path).toString())
				.filter((name) -> name.startsWith("tasks") || name.startsWith("outputs")
						|| name.startsWith(".spool/ids") || name.startsWith(".spool/pipelines"))
				.sorted()
				.toList();
			Map<String, String> entries = new TreeMap<>();
			ManifestReader.read(WORKSPACE).path("tasks").forEach((entry) -> entries.put(entry.path("id").asString(),
					entry.toString()));
			return new Written(names, entries);
		}
	}

	/** Waits until the manifest lists every task the index knows, so that a write still to come is not taken for one. */
	private void awaitManifestOfEveryTask() {
		await(() -> ManifestReader.read(WORKSPACE).path("tasks").size() == this.index.size());
	}

	@Test
	void thePipelinePageShowsTheChainAndEachStagePageLinksToIt() throws Exception {
		String json = create(twoStages("files")).andReturn().getResponse().getContentAsString();
		String id = JsonPath.read(json, "$.id");
		List<String> tasks = JsonPath.read(json, "$.stages[*].task");

		this.mvc.perform(get("/pipelines/" + id))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("href=\"/tasks/" + tasks.get(0) + "\"")))
			.andExpect(content().string(containsString("href=\"/tasks/" + tasks.get(1) + "\"")))
			.andExpect(content().string(containsString("Stage 2")));
		this.mvc.perform(get("/tasks/" + tasks.get(1)))
			.andExpect(status().isOk())
			.andExpect(content().string(containsString("href=\"/pipelines/" + id + "\"")));
		this.mvc.perform(get("/pipelines/pipeline_999999")).andExpect(status().isNotFound());
	}

	@Test
	void unknownPipelinesAreNotFound() throws Exception {
		this.mvc.perform(get("/api/pipelines/pipeline_999999")).andExpect(status().isNotFound());
		this.mvc.perform(get("/api/pipelines/task_001")).andExpect(status().isBadRequest());
	}

	private org.springframework.test.web.servlet.ResultActions create(String body) throws Exception {
		return this.mvc.perform(post("/api/pipelines").contentType(MediaType.APPLICATION_JSON).content(body));
	}

	static String twoStages(String transport) {
		return "{\"transport\":\"" + transport + "\",\"stages\":[{\"agent\":\"nobody\",\"prompt\":\"One\"},"
				+ "{\"agent\":\"nobody\",\"prompt\":\"Two\"}]}";
	}

	private static String taskFile(String id) throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			Path file = files.filter((path) -> path.getFileName().toString().startsWith(id + "_"))
				.findFirst()
				.orElseThrow();
			return Files.readString(file, StandardCharsets.UTF_8);
		}
	}

	/** Every file under tasks/ and .spool/ (ids and pipeline reservations included). */
	private static List<String> written() throws IOException {
		try (Stream<Path> files = Files.walk(WORKSPACE)) {
			return files.map((path) -> WORKSPACE.relativize(path).toString())
				.filter((name) -> name.startsWith("tasks") || name.startsWith(".spool/ids")
						|| name.startsWith(".spool/pipelines"))
				.sorted()
				.toList();
		}
	}

	private static void await(java.util.concurrent.Callable<Boolean> condition) {
		org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(condition);
	}

}
