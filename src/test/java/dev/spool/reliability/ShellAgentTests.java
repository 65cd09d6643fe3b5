package dev.spool.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.spool.ModelReply;
import dev.spool.ModelStub;
import dev.spool.workspace.ResultHeader;
import dev.spool.manifest.ManifestReader;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reference shell agent of PROTOCOL.md ({@code examples/shell-agent.sh}) against a real Spool process: copies
 * racing, frozen, killed and failing. Tasks are routed to the shell agent's name, so Spool's own agents leave them
 * alone. Every prompt is unique and the command answers with the copy's name and the prompt, so a result doubled,
 * lost or credited to the wrong copy shows.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShellAgentTests {

	private static final Path AGENT = Path.of("examples", "shell-agent.sh").toAbsolutePath();

	/**
	 * Answers "<copy> answered: <prompt>", after a pause; reports 60 prompt and 40 completion tokens for a prompt that
	 * asks for TOKENS; exits 3 for a prompt that asks it to fail.
	 */
	private static final String COMMAND = "p=$(cat); case $p in *TOKENS*) echo 60 40 > \"$SPOOL_TOKENS_FILE\";; esac; "
			+ "case $p in *FAIL*) exit 3;; esac; sleep \"$1\"; "
			+ "printf '%s answered: %s\\n' \"$0\" \"$p\"";

	private static final Duration STALE_AFTER = Duration.ofSeconds(3);

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	@TempDir
	static Path folder;

	private static Path workspace;

	private static ModelStub model;

	private static SpoolProcess spool;

	private static final AtomicInteger nextId = new AtomicInteger(100);

	private static int errorLinesSeen;

	private static int port;

	private final List<Process> copies = new ArrayList<>();

	@BeforeAll
	static void startSpool() throws Exception {
		workspace = folder.resolve("workspace");
		// A prompt that asks for it SLOWLY is answered over a few seconds, in pieces: a fifo stage's reader then reads
		// it from the pipe while it is written.
		model = ModelStub.start().otherwise((request) -> {
			String answer = "answer " + request.number() + " to " + request.prompt();
			ModelReply reply = ModelReply.text(answer.split("(?<=\\s)")).model(request.model());
			return request.prompt().contains("SLOWLY")
					? reply.after(Duration.ofMillis(1500)).throttled(64, Duration.ofMillis(300))
					: reply.after(Duration.ofMillis(15));
		});
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		spool = SpoolProcess.launch("shell", workspace, model, Path.of("target", "shell-agent").toAbsolutePath(),
				Map.of("spool.stale-after", STALE_AFTER.toMillis() + "ms", "spool.max-attempts", "3", "server.port",
						String.valueOf(port)));
		spool.awaitStarted(Duration.ofSeconds(180));
	}

	@AfterAll
	static void stopSpool() {
		if (spool != null) {
			spool.killQuietly();
		}
		if (model != null) {
			model.close();
		}
	}

	@AfterEach
	void stopCopiesAndReadTheLog() throws Exception {
		for (Process copy : this.copies) {
			ProcessGroup.kill(copy);
		}
		List<String> errors = spool.logText().lines().filter((line) -> line.contains(" ERROR ")).toList();
		List<String> fresh = errors.subList(errorLinesSeen, errors.size());
		errorLinesSeen = errors.size();
		assertThat(fresh).as("ERROR lines in Spool's log").isEmpty();
	}

	@Test
	void twoCopiesRacingForTheSameTasksFinishEachOnceWithOneResult() throws Exception {
		Map<String, String> tasks = createTasks("racer", 12, "");
		copy("racer", "copy-a", "0.1");
		copy("racer", "copy-b", "0.1");

		for (Map.Entry<String, String> task : tasks.entrySet()) {
			awaitDone(task.getKey());
		}
		List<String> by = new ArrayList<>();
		for (Map.Entry<String, String> task : tasks.entrySet()) {
			by.add(assertOneResult(task.getKey(), "racer", task.getValue(), "copy-a", "copy-b"));
		}
		assertThat(by).as("which copy answered each task").contains("copy-a", "copy-b");
		assertNothingLeftBehind();
	}

	@Test
	void aCopyFrozenPastStaleAfterPublishesNothingWhenWoken() throws Exception {
		String id = createTasks("sleeper", 1, "").keySet().iterator().next();
		Process frozen = copy("sleeper", "frozen", "4");
		awaitFile(id + "_inprogress_sleeper.md");
		// Frozen mid-task: its claim made and stamped, its command running (the command's pause is a `sleep`).
		await().atMost(PATIENCE)
			.until(() -> frozen.descendants()
				.anyMatch((process) -> process.info().command().orElse("").endsWith("/sleep")
						&& process.info().arguments().map((arguments) -> List.of(arguments).contains("4")).orElse(false)));
		signal(frozen, "STOP");
		copy("sleeper", "awake", "4");

		// Taken back once stale, and claimed again by the copy that is awake.
		await().atMost(PATIENCE).until(() -> history(id).contains("STALE"));
		awaitFile(id + "_inprogress_sleeper.md");
		signal(frozen, "CONT");

		awaitDone(id);
		assertOneResult(id, "sleeper", prompt(id), "awake");
		// Woken, the frozen copy finds its stamp gone from the claim and says it publishes nothing.
		await().atMost(PATIENCE).until(() -> Files.readString(folder.resolve("frozen.log")).contains("lost"));
		assertOneResult(id, "sleeper", prompt(id), "awake");
		assertThat(frozen.isAlive()).as("the woken copy goes on").isTrue();
		assertNothingLeftBehind();
	}

	@Test
	void aTaskOfACopyKilledMidTaskIsFinishedByTheOtherAndOneStoppedWithSigtermGivesItsClaimBack() throws Exception {
		String killedTask = createTasks("killed", 1, "").keySet().iterator().next();
		Process killed = copy("killed", "killed", "3");
		awaitFile(killedTask + "_inprogress_killed.md");
		ProcessGroup.kill(killed);
		copy("killed", "survivor", "0.1");
		awaitDone(killedTask);
		assertOneResult(killedTask, "killed", prompt(killedTask), "survivor");
		assertThat(history(killedTask)).as("the killed copy's attempt, taken back when stale").contains("STALE");

		String stoppedTask = createTasks("stopped", 1, "").keySet().iterator().next();
		Process stopped = copy("stopped", "stopped", "30");
		awaitFile(stoppedTask + "_inprogress_stopped.md");
		stopped.destroy();
		assertThat(stopped.waitFor(15, TimeUnit.SECONDS)).as("the copy stopped with SIGTERM has ended").isTrue();
		assertThat(workspace.resolve("tasks/" + stoppedTask + "_pending.md")).as("given back at once, not when stale")
			.exists();
		assertThat(history(stoppedTask)).as("no attempt counted").isEmpty();
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(manifestEntry(stoppedTask).has("owner"))
			.as("a task given back shows no owner").isFalse());
	}

	/**
	 * SIGTERM at any moment of a claim, however early, ends the copy and gives the claim back. Bash 5.2 dropped the
	 * trap when the signal came between two command substitutions of one command, as once in the claim's stamp, and
	 * the copy then ran on.
	 */
	@Test
	void aCopyStoppedWithSigtermAtAnyMomentOfItsClaimEndsAndGivesItBack() throws Exception {
		java.util.Random random = new java.util.Random();
		for (int round = 0; round < 12; round++) {
			// An agent of its own each round: the task given back is not taken again by the next round's copy.
			String agent = "early" + round;
			String id = createTasks(agent, 1, "").keySet().iterator().next();
			Process copy = copy(agent, agent, "30");
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(2))
				.until(() -> Files.exists(workspace.resolve("tasks/" + id + "_inprogress_" + agent + ".md")));
			Thread.sleep(random.nextInt(150));
			copy.destroy();

			assertThat(copy.waitFor(10, TimeUnit.SECONDS)).as("round %d: the copy stopped with SIGTERM has ended", round)
				.isTrue();
			ProcessGroup.kill(copy);
			assertThat(workspace.resolve("tasks/" + id + "_pending.md")).as("round %d: given back", round).exists();
		}
	}

	@Test
	void aFailingCommandFailsTheAttemptAndTheTaskOnceItsBudgetIsSpent() throws Exception {
		String failing = "task_" + nextId.getAndIncrement();
		String fine = createTasks("failer", 1, "").keySet().iterator().next();
		publishTask(failing, "---\nagent: failer\nmax_attempts: 2\n---\n\nFAIL, " + UUID.randomUUID() + "\n");
		copy("failer", "copy-f", "0.1");

		awaitDone(fine);
		assertOneResult(fine, "failer", prompt(fine), "copy-f");
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode entry = manifestEntry(failing);
			assertThat(entry.path("status").asString()).isEqualTo("failed");
			assertThat(entry.path("attempts").asInt()).isEqualTo(2);
			assertThat(entry.path("owner").asString()).isEqualTo("failer");
			assertThat(entry.path("error").asString()).isEqualTo("the command exited with status 3 (attempt 2 of 2)");
		});
		assertThat(workspace.resolve("outputs/" + failing + "_result.md")).doesNotExist();
		assertThat(list("failures")).as("notes are removed once counted").isEmpty();
	}

	/**
	 * Every shell block of PROTOCOL.md: each runnable one runs against this Spool in the scene of its name, and keeps
	 * the rules it sits next to; each fragment is at least valid bash. An example can then never again break them.
	 */
	@Test
	void everyShellSnippetOfTheProtocolRunsAndKeepsItsRules() throws Exception {
		Map<String, Scene> scenes = Map.of("spool-move", this::spoolMoveScene, "shell-agent-wc", this::wordCountScene,
				"pipeline-writer", this::pipelineWriterScene, "pipeline-reader", this::pipelineReaderScene);
		Set<String> seen = new TreeSet<>();
		for (ProtocolSnippets.Snippet snippet : ProtocolSnippets.read()) {
			if (snippet.isFragment()) {
				Process check = new ProcessBuilder("bash", "-n", "-c", snippet.text()).redirectErrorStream(true).start();
				assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
				assertThat(check.exitValue()).as("bash -n of the fragment at PROTOCOL.md line %d: %s", snippet.line(),
						new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
				continue;
			}
			Scene scene = scenes.get(snippet.name());
			assertThat(scene).as("a scene in ShellAgentTests for the snippet '%s' at PROTOCOL.md line %d",
					snippet.name(), snippet.line()).isNotNull();
			assertThat(seen.add(snippet.name())).as("one snippet named '%s'", snippet.name()).isTrue();
			scene.run(snippet.text());
		}
		assertThat(seen).as("every scene has its snippet in PROTOCOL.md").isEqualTo(new TreeSet<>(scenes.keySet()));
	}

	/** The document's {@code spool_move} moves, refuses to replace, and is the library's, word for word. */
	private void spoolMoveScene(String snippet) throws Exception {
		Process run = snippet(snippet + """
				cd "$(mktemp -d)"; echo a > from; echo b > taken; echo c > other
				spool_move from to && [ ! -e from ] && [ "$(cat to)" = a ] || exit 11
				! spool_move other taken && [ "$(cat taken)" = b ] && [ -e other ] || exit 12
				! spool_move missing elsewhere && [ ! -e elsewhere ] || exit 13
				""", Map.of());
		assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(run.exitValue()).as("the snippet's spool_move, in %s", folder.resolve("snippet.log")).isZero();
		String library = Files.readString(AGENT.resolveSibling("spool.sh"));
		String defined = library.substring(library.indexOf("spool_move() {"));
		defined = defined.substring(0, defined.indexOf("\n}\n") + 2);
		assertThat(code(snippet)).as("PROTOCOL.md's spool_move is examples/spool.sh's").isEqualTo(code(defined));
	}

	/** The document's command line runs the reference agent with {@code wc -w}: a word count per task. */
	private void wordCountScene(String snippet) throws Exception {
		String id = "task_" + nextId.getAndIncrement();
		publishTask(id, "---\nagent: shellbot\n---\n\none two three four " + UUID.randomUUID() + "\n");
		Process agent = snippet(snippet, Map.of());
		awaitDone(id);
		ResultHeader.Parsed result = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/" + id + "_result.md")));
		assertThat(result.header().agent()).isEqualTo("shellbot");
		assertThat(result.text().strip()).isEqualTo("5");
		List<ProcessHandle> processes = new ArrayList<>(agent.descendants().toList());
		processes.add(agent.toHandle());
		processes.forEach(ProcessHandle::destroy);
		await().atMost(PATIENCE).until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
	}

	/**
	 * The document's writer of a fifo stage 1 (task_007 of pipeline_003): Spool's agent_a reads stage 2 from its
	 * pipe, and the writer's result has its header, was committed by a stamped claim, and reached stage 2 whole.
	 */
	private void pipelineWriterScene(String snippet) throws Exception {
		String prompt = "Stage one, " + UUID.randomUUID();
		publishTask("task_008", "---\npipeline: pipeline_003\nstage: 2\ntransport: fifo\nagent: agent_a\n---\n\n"
				+ "Stage two.\n");
		publishTask("task_007", "---\npipeline: pipeline_003\nstage: 1\ntransport: fifo\nagent: shellbot\n---\n\n"
				+ prompt + "\n");
		Process writer = snippet(snippet, Map.of());
		assertThat(writer.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(writer.exitValue()).as("the writer, in %s", folder.resolve("snippet.log")).isZero();
		ResultHeader.Parsed first = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/task_007_result.md")));
		assertThat(first.header().agent()).isEqualTo("shellbot");
		assertThat(first.header().startedAt()).isBefore(first.header().finishedAt());
		assertThat(first.text()).isEqualTo("some-command read: " + prompt + "\n");
		awaitDone("task_008");
		assertThat(Files.readString(workspace.resolve("outputs/task_008_result.md")))
			.contains("Stage two.\n\n---\n\nThe answer of stage 1 of pipeline_003:\n\n" + first.text());
		// Spool's agent writes its DONE record just after the rename to done.
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(history("task_008")).containsExactly("DONE"));
		assertThat(list("pipes")).as("the pipe is removed").isEmpty();
	}

	/**
	 * The document's reader of a fifo stage 2 (task_010 of pipeline_004), claimed while Spool's agent_a writes stage 1:
	 * its command is given the prompt and stage 1's answer in the documented shape.
	 */
	private void pipelineReaderScene(String snippet) throws Exception {
		String prompt = "Stage two, " + UUID.randomUUID();
		publishTask("task_010", "---\npipeline: pipeline_004\nstage: 2\ntransport: fifo\nagent: shellbot\n---\n\n"
				+ prompt + "\n");
		publishTask("task_009", "---\npipeline: pipeline_004\nstage: 1\ntransport: fifo\nagent: agent_a\n---\n\n"
				+ "Stage one, answered SLOWLY, " + UUID.randomUUID() + "\n");
		awaitFile("task_009_inprogress_agent_a.md");
		Process reader = snippet(snippet, Map.of());
		assertThat(reader.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(reader.exitValue()).as("the reader, in %s", folder.resolve("snippet.log")).isZero();
		ResultHeader.Parsed first = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/task_009_result.md")));
		ResultHeader.Parsed second = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/task_010_result.md")));
		assertThat(second.header().agent()).isEqualTo("shellbot");
		assertThat(second.header().startedAt()).as("claimed while stage 1 was written")
			.isBefore(first.header().finishedAt());
		assertThat(second.text()).isEqualTo("some-command read: " + prompt
				+ "\n\n---\n\nThe answer of stage 1 of pipeline_004:\n\n" + first.text());
		assertThat(spool.logText()).as("Spool's writer saw its whole stream taken")
			.doesNotContain("pipeline_004_stage1_to_stage2 (");
	}

	/**
	 * Runs a snippet with bash from the folder that holds {@code workspace/} and {@code examples/}, with
	 * {@code some-command} on the PATH (it answers "some-command read: " and its input).
	 */
	private Process snippet(String text, Map<String, String> environment) throws IOException {
		Path examples = folder.resolve("examples");
		if (!Files.exists(examples)) {
			Files.createDirectories(examples);
			for (String name : List.of("spool.sh", "shell-agent.sh")) {
				Files.copy(AGENT.resolveSibling(name), examples.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
			}
			Path bin = Files.createDirectories(folder.resolve("bin"));
			Path command = bin.resolve("some-command");
			Files.writeString(command, "#!/bin/sh\nprintf 'some-command read: '; cat\n");
			command.toFile().setExecutable(true);
		}
		ProcessBuilder builder = new ProcessBuilder("bash", "-c", text).directory(folder.toFile());
		builder.environment().put("PATH", folder.resolve("bin") + ":" + System.getenv("PATH"));
		builder.environment().put("SPOOL_HEARTBEAT_MS", "300");
		builder.environment().putAll(environment);
		Process process = ProcessGroup.start(builder.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("snippet.log").toFile())));
		this.copies.add(process);
		return process;
	}

	/** Shell code without its comments and blank space, to compare two copies of it. */
	private static String code(String shell) {
		return shell.lines()
			.map((line) -> line.replaceAll("\\s+#.*$", "").strip())
			.filter((line) -> !line.isEmpty())
			.collect(java.util.stream.Collectors.joining("\n"));
	}

	/** What a test does with one runnable snippet of PROTOCOL.md. */
	@FunctionalInterface
	private interface Scene {

		void run(String snippet) throws Exception;

	}

	/**
	 * Tokens the reference agent's command reports are in the result's header of a done attempt and the failure note
	 * of a failed one; Spool counts both in the task's totals, in {@code /api/usage}, and against the task's
	 * {@code budget_tokens}, which a failure note can spend: the task then fails at once with attempts left.
	 */
	@Test
	void tokensAnOutsideAgentReportsAreCountedAndAFailureNoteThatSpendsTheBudgetFailsTheTask() throws Exception {
		String done = "task_" + nextId.getAndIncrement();
		String failing = "task_" + nextId.getAndIncrement();
		publishTask(done, "---\nagent: tokener\n---\n\nTOKENS, " + UUID.randomUUID() + "\n");
		publishTask(failing, "---\nagent: tokener\nmax_attempts: 5\nbudget_tokens: 150\n---\n\nTOKENS FAIL, "
				+ UUID.randomUUID() + "\n");
		copy("tokener", "copy-t", "0.1");

		awaitDone(done);
		assertOneResult(done, "tokener", prompt(done), "copy-t");
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode task = api("/api/tasks/" + done);
			assertThat(task.path("attempts").asInt()).isEqualTo(1);
			assertThat(task.path("history")).singleElement().satisfies((record) -> {
				assertThat(record.path("outcome").asString()).isEqualTo("DONE");
				assertThat(record.path("agent").asString()).isEqualTo("tokener");
			});
			assertThat(task.path("totalTokens").path("prompt").asLong()).isEqualTo(60);
			assertThat(task.path("totalTokens").path("total").asLong()).isEqualTo(100);
		});
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode task = api("/api/tasks/" + failing);
			assertThat(task.path("status").asString()).isEqualTo("failed");
			assertThat(task.path("attempts").asInt()).as("two of five attempts").isEqualTo(2);
			assertThat(task.path("error").asString()).isEqualTo("budget: " + failing
					+ " spent 200 of 150 tokens (budget_tokens); the command exited with status 3");
			assertThat(task.path("totalTokens").path("total").asLong()).isEqualTo(200);
		});
		long used = 0;
		for (JsonNode row : api("/api/usage?days=1").path("days")) {
			used += row.path("agent").asString().equals("tokener") ? row.path("tokens").path("total").asLong() : 0;
		}
		assertThat(used).as("tokener's tokens today in /api/usage").isEqualTo(300);
		assertThat(list("failures")).isEmpty();
	}

	/**
	 * The reference agent serves a fifo stage after the first: Spool's agent_a writes stage 1 through the pipe, and
	 * the shell agent's command is given stage 2's prompt and stage 1's answer in the shape Spool's own readers use.
	 */
	@Test
	void theReferenceAgentReadsAFifoStageFromThePipeOfSpoolsWriter() throws Exception {
		String first = "task_" + nextId.getAndIncrement();
		String second = "task_" + nextId.getAndIncrement();
		String pipeline = "pipeline_" + nextId.getAndIncrement();
		String prompt = "Stage two for the reader, " + UUID.randomUUID();
		publishTask(second, "---\npipeline: " + pipeline + "\nstage: 2\ntransport: fifo\nagent: reader\n---\n\n"
				+ prompt + "\n");
		publishTask(first, "---\npipeline: " + pipeline + "\nstage: 1\ntransport: fifo\nagent: agent_a\n---\n\n"
				+ "Stage one, answered SLOWLY, " + UUID.randomUUID() + "\n");
		awaitFile(first + "_inprogress_agent_a.md");
		assertThat(api("/api/tasks/" + second).path("warning").asString())
			.as("the board says that only an outside agent may read stage 2")
			.contains("reads stage 1 (" + first + ", in progress) through a pipe, and only an outside agent may take it");
		copy("reader", "copy-r", "0.1");

		awaitDone(second);
		ResultHeader.Parsed written = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/" + first + "_result.md")));
		String answer = written.text();
		ResultHeader read = ResultHeader.parse(Files.readString(workspace.resolve("outputs/" + second + "_result.md")))
			.header();
		assertThat(read.startedAt()).as("stage 2 was claimed while stage 1 was being written")
			.isBefore(written.header().finishedAt());
		assertThat(spool.logText()).as("Spool's writer saw its whole stream taken")
			.doesNotContain(pipeline + "_stage1_to_stage2 (");
		assertOneResult(second, "reader", prompt + "\n\n---\n\nThe answer of stage 1 of " + pipeline + ":\n\n" + answer,
				"copy-r");
		// Spool records an outside agent's answer once its watcher sees the result.
		await().atMost(PATIENCE).untilAsserted(() -> assertThat(history(second)).containsExactly("DONE"));
		assertThat(Files.readString(folder.resolve("copy-r.log"))).as("what the reader said").isEmpty();
		assertNothingLeftBehind();
	}

	// Tasks and copies

	private Map<String, String> createTasks(String agent, int count, String frontMatter) throws IOException {
		Map<String, String> tasks = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			String id = "task_" + nextId.getAndIncrement();
			String prompt = "Prompt " + id + " for " + agent + ", " + UUID.randomUUID();
			publishTask(id, "---\nagent: " + agent + "\npriority: " + (i % 3) + "\n" + frontMatter + "---\n\n" + prompt
					+ "\n");
			tasks.put(id, prompt);
		}
		return tasks;
	}

	/** Writes a task under a dot-name and renames it into place, as the protocol asks. */
	private void publishTask(String id, String content) throws IOException {
		Path tasks = workspace.resolve("tasks");
		Files.createDirectories(tasks);
		Path temporary = tasks.resolve("." + id + ".tmp");
		Files.writeString(temporary, content, StandardCharsets.UTF_8);
		Files.move(temporary, tasks.resolve(id + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);
	}

	private String prompt(String id) throws IOException {
		for (Path path : Files.newDirectoryStream(workspace.resolve("tasks"), id + "_*.md")) {
			String text = Files.readString(path);
			return text.substring(text.indexOf("\n---\n") + 5).strip();
		}
		throw new AssertionError("no file for " + id);
	}

	private Process copy(String agent, String name, String pause) throws IOException {
		ProcessBuilder builder = new ProcessBuilder("bash", AGENT.toString(), workspace.toString(), agent, "bash", "-c",
				COMMAND, name, pause);
		builder.environment().put("SPOOL_HEARTBEAT_MS", "300");
		Process process = ProcessGroup.start(builder.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve(name + ".log").toFile())));
		this.copies.add(process);
		return process;
	}

	private static void signal(Process process, String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
		assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(kill.exitValue()).isZero();
	}

	// What the files say

	private static void awaitFile(String name) {
		await().atMost(PATIENCE).until(() -> Files.exists(workspace.resolve("tasks").resolve(name)));
	}

	private static void awaitDone(String id) {
		await().atMost(PATIENCE).until(() -> Files.exists(workspace.resolve("outputs/" + id + "_result.md")));
	}

	/**
	 * One done file, one result from one of the copies for exactly this prompt, and a manifest that names its agent
	 * and completion time as the result's header does.
	 * @return the copy that answered
	 */
	private String assertOneResult(String id, String agent, String prompt, String... copies) throws Exception {
		assertThat(list("tasks")).filteredOn((name) -> name.startsWith(id + "_")).containsExactly(id + "_done.md");
		ResultHeader.Parsed result = ResultHeader
			.parse(Files.readString(workspace.resolve("outputs/" + id + "_result.md")));
		assertThat(result.header().agent()).isEqualTo(agent);
		assertThat(result.header().startedAt()).isBefore(result.header().finishedAt());
		String copy = result.text().substring(0, Math.max(result.text().indexOf(' '), 0));
		assertThat(copy).as("the copy that answered %s", id).isIn((Object[]) copies);
		assertThat(result.text()).isEqualTo(copy + " answered: " + prompt + "\n");
		await().atMost(PATIENCE).untilAsserted(() -> {
			JsonNode entry = manifestEntry(id);
			assertThat(entry.path("status").asString()).isEqualTo("done");
			assertThat(entry.path("owner").asString()).isEqualTo(agent);
			assertThat(Instant.parse(entry.path("completed_at").asString())).isEqualTo(result.header().finishedAt());
		});
		return copy;
	}

	private void assertNothingLeftBehind() throws IOException {
		assertThat(list("outputs")).as("outputs/: results only").allMatch((name) -> name.endsWith("_result.md"));
		// <id>.<agent>.<pid>.<random>.md: only this test's copies count. A copy an earlier test killed at its end may
		// have left a staged answer, which Spool removes once it is old (StagedAnswers.GRACE).
		List<String> ours = this.copies.stream().map((copy) -> "." + copy.pid() + ".").toList();
		assertThat(list(".spool/staging")).as("answers staged by this test's copies and never published")
			.noneMatch((name) -> ours.stream().anyMatch(name::contains));
		assertThat(list("failures")).isEmpty();
	}

	private static JsonNode api(String path) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return JsonMapper.shared().readTree(response.body());
	}

	private static JsonNode manifestEntry(String id) throws IOException {
		JsonNode manifest = ManifestReader.read(workspace);
		for (JsonNode entry : manifest.path("tasks")) {
			if (entry.path("id").asString().equals(id)) {
				return entry;
			}
		}
		throw new AssertionError("no " + id + " in the manifest");
	}

	/** The outcomes in a task's history, in order, from its records. */
	private static List<String> history(String id) throws IOException {
		List<String> outcomes = new ArrayList<>();
		for (int number = 1; Files.exists(workspace.resolve(".spool/attempts/" + id + "." + number + ".json")); number++) {
			outcomes.add(JsonMapper.shared()
				.readTree(Files.readAllBytes(workspace.resolve(".spool/attempts/" + id + "." + number + ".json")))
				.path("outcome")
				.asString());
		}
		return outcomes;
	}

	private static List<String> list(String sub) throws IOException {
		Path path = workspace.resolve(sub);
		if (!Files.isDirectory(path)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(path)) {
			return files.map((file) -> file.getFileName().toString()).sorted().toList();
		}
	}

}
