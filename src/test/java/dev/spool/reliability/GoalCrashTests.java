package dev.spool.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelStub;
import dev.spool.workspace.ResultHeader;
import dev.spool.workspace.TaskDocument;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A goal's planning cut short by {@code kill -9} in a real Spool process, between the plan being published
 * ({@code .spool/plans/<goal>.json} appears) and the last of its subtasks being created; the next process on the same
 * workspace finishes the goal. The model stub answers the plan at once, with eight steps, and the process creates their
 * tasks one by one; the test watches the workspace and kills the process once a randomly chosen number of subtasks
 * (none to all eight) exists, so most kills land part-way through the creation. Whatever the moment, every round must
 * end with one task per step and one final task, the plan file as it was, one plan asked of the model, and the goal
 * done with its final task's answer.
 *
 * <p>Each round submits a new goal to the process that finished the previous one, so {@code n} rounds start
 * {@code n + 1} JVMs; three rounds take about 40 s here. {@code -Dspool.crash.goal-rounds=N} runs more;
 * {@code -Dspool.crash.seed=S} replays the kill points. Logs stay under {@code target/crash-recovery/goal-planning/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class GoalCrashTests {

	static final int ROUNDS = Math.max(1, Integer.getInteger("spool.crash.goal-rounds", 3));

	static final int STEPS = 8;

	static final Duration STARTUP_PATIENCE = Duration.ofSeconds(120);

	static final Duration PATIENCE = Duration.ofSeconds(60);

	private static final Pattern TASK_NAME = Pattern.compile("task_(\\d+)_.+\\.md");

	private static final Pattern GOAL_ID = Pattern.compile("\"id\"\\s*:\\s*\"(task_\\d+)\"");

	private final List<SpoolProcess> processes = new CopyOnWriteArrayList<>();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ModelStub model;

	private Path folder;

	private Path workspace;

	@BeforeEach
	void startModelAndCleanWorkspace() throws IOException {
		this.folder = Path.of("target", "crash-recovery", "goal-planning").toAbsolutePath();
		FileSystemUtils.deleteRecursively(this.folder);
		this.workspace = Files.createDirectories(this.folder.resolve("workspace"));
		// The default agents, and an orchestrator without tools, which plans each goal once (as with a model without
		// tool calling): this test is about a plan's subtasks.
		Path agents = Files.createDirectories(this.workspace.resolve("agents"));
		for (String agent : List.of("agent_a.md", "agent_b.md")) {
			Files.copy(Path.of("workspace", "agents", agent), agents.resolve(agent));
		}
		Files.writeString(agents.resolve("orchestrator.md"), "---\nroles: [planner]\n---\nYou plan.\n");
		this.model = SlowModel.start(10, 60, GoalCrashTests::planFor);
	}

	@AfterEach
	void killEveryProcessAndStopTheModel() {
		this.processes.forEach(SpoolProcess::killQuietly);
		if (this.model != null) {
			this.model.close();
		}
	}

	@Test
	void aKillWhileAGoalsSubtasksAreCreatedLeavesNoDuplicateAndTheNextProcessFinishesTheGoal() throws Exception {
		long seed = Long.getLong("spool.crash.seed", System.nanoTime());
		System.out.println("[goal-crash] seed " + seed + " (-Dspool.crash.seed=" + seed + " replays the kill points)");
		Random random = new Random(seed);
		Running spool = launch("goal-0");
		List<String> rounds = new ArrayList<>();
		int midCreation = 0;
		for (int round = 1; round <= ROUNDS; round++) {
			String goalText = goalText(round);
			int killAfter = random.nextInt(STEPS + 1);
			String goal = submit(spool, goalText);
			int seen = killOnceSubtasksExist(spool, goal, killAfter);
			Path planFile = this.workspace.resolve(".spool/plans/" + goal + ".json");
			byte[] plan = Files.readAllBytes(planFile);
			int made = subtaskIds(goal).size();
			boolean mid = made < STEPS + 1;
			midCreation += mid ? 1 : 0;
			rounds.add("round " + round + ": killed once " + seen + " subtasks were seen (aimed at " + killAfter
					+ "); " + made + " of " + (STEPS + 1) + " existed after the kill"
					+ (mid ? ", so mid-creation" : ", so after the creation"));

			spool = launch("goal-" + round);
			awaitDone(spool, goal);

			assertOneTaskPerStepAndOneFinal(goal);
			assertThat(Files.readAllBytes(planFile)).as("the plan file of " + goal + ", after the restart").isEqualTo(plan);
			assertThat(this.model.requests().stream().filter((call) -> call.prompt().startsWith(goalText)))
				.as("requests for the plan of " + goal).hasSize(1);
			assertTheGoalsResultIsItsFinalTasksAnswer(goal);
		}
		spool.process().stop();
		rounds.forEach((line) -> System.out.println("[goal-crash] " + line));
		System.out.println("[goal-crash] " + midCreation + " of " + ROUNDS + " kills landed mid-creation");
	}

	/** The stub's plan for a goal of this test: eight steps, the second depending on the first; unique per call. */
	private static String planFor(int number, String prompt) {
		if (!prompt.startsWith("Crash goal ")) {
			return null;
		}
		String goal = prompt.substring(0, prompt.indexOf(':'));
		StringBuilder steps = new StringBuilder();
		for (int step = 1; step <= STEPS; step++) {
			steps.append((step > 1) ? "," : "")
				.append("{\"title\":\"Part ").append(step).append(" (plan call ").append(number).append(")\",")
				.append("\"prompt\":\"Write part ").append(step).append(" for ").append(goal).append("\",")
				.append("\"dependsOn\":[").append((step == 2) ? "1" : "").append("]}");
		}
		return "{\"steps\":[" + steps + "]}";
	}

	private static String goalText(int round) {
		return "Crash goal " + round + ": write the owl census in " + STEPS + " parts.";
	}

	/**
	 * Watches the workspace and kills the process once the goal's plan is published and at least {@code count} of its
	 * subtasks exist; returns how many were seen then. Busy-polls, so the kill follows the look within a millisecond.
	 */
	private int killOnceSubtasksExist(Running spool, String goal, int count) throws Exception {
		Path plan = this.workspace.resolve(".spool/plans/" + goal + ".json");
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (true) {
			if (Files.exists(plan)) {
				int seen = subtaskIds(goal).size();
				if (seen >= count) {
					spool.process().kill();
					return seen;
				}
			}
			if (!spool.process().isAlive()) {
				throw new AssertionError(spool.process() + " died by itself; its log:\n" + spool.process().logText());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("the plan of " + goal + " and " + count + " subtasks did not appear within "
						+ PATIENCE + "; the log:\n" + spool.process().logText());
			}
			Thread.onSpinWait();
		}
	}

	/** The ids of tasks newer than the goal; only the goal's planning creates tasks while a round runs. */
	private List<Integer> subtaskIds(String goal) throws IOException {
		int goalNumber = Integer.parseInt(goal.substring("task_".length()));
		try (Stream<Path> files = Files.list(this.workspace.resolve("tasks"))) {
			return files.map((path) -> TASK_NAME.matcher(path.getFileName().toString()))
				.filter(Matcher::matches)
				.map((name) -> Integer.parseInt(name.group(1)))
				.filter((number) -> number > goalNumber)
				.distinct()
				.toList();
		}
	}

	private void assertOneTaskPerStepAndOneFinal(String goal) throws IOException {
		Map<String, List<String>> byStep = new TreeMap<>();
		for (Map.Entry<String, TaskDocument> task : tasks().entrySet()) {
			TaskDocument document = task.getValue();
			if (document.goal() != null && document.goal().goal().text().equals(goal)) {
				byStep.computeIfAbsent(document.goal().step(), (step) -> new ArrayList<>()).add(task.getKey());
			}
		}
		Map<String, Integer> expected = new TreeMap<>();
		for (int step = 1; step <= STEPS; step++) {
			expected.put(String.valueOf(step), 1);
		}
		expected.put("final", 1);
		Map<String, Integer> counts = new TreeMap<>();
		byStep.forEach((step, names) -> counts.put(step, names.size()));
		assertThat(counts).as("tasks per step of " + goal + ": " + byStep).isEqualTo(expected);
		assertThat(byStep.values()).as("every task of " + goal)
			.allSatisfy((names) -> assertThat(names.get(0)).endsWith("_done.md"));
	}

	private void assertTheGoalsResultIsItsFinalTasksAnswer(String goal) throws IOException {
		String finalTask = tasks().entrySet()
			.stream()
			.filter((task) -> task.getValue().goal() != null && task.getValue().goal().goal().text().equals(goal)
					&& task.getValue().goal().isFinal())
			.map((task) -> task.getKey().substring(0, task.getKey().indexOf("_done.md")))
			.findFirst()
			.orElseThrow();
		ResultHeader.Parsed goalResult = ResultHeader
			.parse(Files.readString(this.workspace.resolve("outputs/" + goal + "_result.md")));
		String result = goalResult.text();
		assertThat(result).as("the result of " + goal)
			.isEqualTo(ResultHeader.parse(Files.readString(this.workspace.resolve("outputs/" + finalTask + "_result.md")))
				.text());
		assertThat(goalResult.header()).as("the header of the result of " + goal).isNotNull()
			.extracting(ResultHeader::agent)
			.isEqualTo("orchestrator");
		ModelStub.Exchange call = this.model.exchangeThatAnswered(result.strip())
			.orElseThrow(() -> new AssertionError("no call of the model answered " + result));
		assertThat(call.request().prompt()).as("the final task's prompt").contains("Combine the results", goalText(round(goal)));
	}

	private int round(String goal) throws IOException {
		String prompt = TaskDocument.parse(Files.readString(this.workspace.resolve("tasks/" + goal + "_done.md")))
			.prompt();
		return Integer.parseInt(prompt.substring("Crash goal ".length(), prompt.indexOf(':')));
	}

	/** Every task file by name, with its front matter. */
	private Map<String, TaskDocument> tasks() throws IOException {
		Map<String, TaskDocument> tasks = new LinkedHashMap<>();
		try (Stream<Path> files = Files.list(this.workspace.resolve("tasks"))) {
			for (Path file : files.sorted().toList()) {
				if (TASK_NAME.matcher(file.getFileName().toString()).matches()) {
					try {
						tasks.put(file.getFileName().toString(), TaskDocument.parse(Files.readString(file)));
					}
					catch (NoSuchFileException ex) {
						// Renamed since the listing: a listing is not a snapshot.
					}
				}
			}
		}
		return tasks;
	}

	private void awaitDone(Running spool, String goal) throws Exception {
		Path done = this.workspace.resolve("tasks/" + goal + "_done.md");
		Path output = this.workspace.resolve("outputs/" + goal + "_result.md");
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!(Files.exists(done) && Files.exists(output))) {
			if (Files.exists(this.workspace.resolve("tasks/" + goal + "_failed.md"))
					|| System.nanoTime() - deadline > 0 || !spool.process().isAlive()) {
				throw new AssertionError(goal + " did not end done within " + PATIENCE + "; tasks: " + tasks().keySet()
						+ "; the log:\n" + spool.process().logText());
			}
			Thread.sleep(50);
		}
	}

	private String submit(Running spool, String goal) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spool.port() + "/api/goals"))
					.timeout(Duration.ofSeconds(10))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(
							JsonMapper.shared().writeValueAsString(Map.of("goal", goal, "title", "Owls"))))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		Matcher id = GOAL_ID.matcher(response.body());
		assertThat(id.find()).as(response.body()).isTrue();
		return id.group(1);
	}

	private Running launch(String name) throws Exception {
		int port = freePort();
		SpoolProcess process = SpoolProcess.launch(name, this.workspace, this.model, this.folder.resolve("logs"),
				Map.of("server.port", String.valueOf(port)));
		this.processes.add(process);
		process.awaitStarted(STARTUP_PATIENCE);
		return new Running(process, port);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** A started process and the port it serves on. */
	private record Running(SpoolProcess process, int port) {
	}

}
