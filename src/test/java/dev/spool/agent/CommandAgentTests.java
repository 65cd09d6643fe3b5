package dev.spool.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.spool.agent.CommandAgents.PATIENCE;
import static dev.spool.agent.CommandAgents.inState;
import static dev.spool.agent.CommandAgents.isRunning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Agents that are programs: Spool runs each attempt's command with the prompt on standard input and takes standard
 * output as the answer, against real bash processes in a real workspace.
 */
class CommandAgentTests {

	/** What every command gets of Spool's environment, when set, and what Spool sets for it. */
	static final Set<String> GIVEN = Set.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "SPOOL_TASK_ID",
			"SPOOL_AGENT", "SPOOL_WORKSPACE");

	/** A variable of this JVM's environment (so Spool's) that a command gets only by naming it in {@code env:}. */
	static final String NAMED = System.getenv()
		.keySet()
		.stream()
		.filter((name) -> !GIVEN.contains(name) && name.matches("[A-Za-z_][A-Za-z0-9_]*"))
		.sorted()
		.findFirst()
		.orElseThrow(() -> new IllegalStateException("the test's environment holds nothing a command is not given"));

	static CommandAgents agents;

	static ConfigurableApplicationContext spool;

	static TaskStore store;

	@BeforeAll
	static void start() throws IOException {
		agents = CommandAgents.in(Files.createTempDirectory("spool-command-agents"));
		agents.script("echoer", """
				calls=$(( $(cat "$1/calls" 2>/dev/null || echo 0) + 1 )); echo $calls > "$1/calls"
				echo "call $calls for $SPOOL_TASK_ID by $SPOOL_AGENT, $RANDOM$(date +%s%N)"
				echo "workspace $SPOOL_WORKSPACE, working in $(pwd -P)"
				echo "stdin:"
				cat
				""")
			.script("failer", """
				echo "half an answer"
				for i in $(seq 1 30); do echo "complaint $i of 30" >&2; done
				exit 3
				""")
			.script("slow", """
				echo "first part of $SPOOL_TASK_ID"
				while [ ! -e "$1/release-$SPOOL_TASK_ID" ]; do sleep 0.05; done
				echo "second part of $SPOOL_TASK_ID"
				""")
			.script("hang", """
				sleep 300 &
				echo $! > "$1/grandchild-$SPOOL_TASK_ID"
				echo $$ > "$1/child-$SPOOL_TASK_ID"
				echo "started"
				wait
				""")
			.script("chatty", """
				head -c 3000000 /dev/zero | tr '\\0' 'x' >&2
				echo "answered $SPOOL_TASK_ID without reading its prompt"
				""")
			.define("environment", "command: [\"/usr/bin/env\"]\nenv: [" + NAMED + ", SPOOL_NOT_SET_ANYWHERE]\n",
					"rw-r--r--")
			.define("missing", "command: [\"/nonexistent/spool-no-such-program\", \"--help\"]\n", "rw-r--r--")
			.define("relative", "command: [\"./agent.sh\"]\n", "rw-r--r--")
			.define("writable", "command: [\"" + agents.scratch.resolve("writable.sh") + "\"]\n", "rw-r--r--")
			.define("shared", "command: [\"true\"]\n", "rw-rw-r--")
			.define("open", "command: [\"true\"]\n", "rw-r--rw-")
			.define("both", "command: [\"true\"]\nmodel: gpt-4o\n", "rw-r--r--");
		Path writable = Files.writeString(agents.scratch.resolve("writable.sh"), "#!/bin/sh\necho hello\n");
		Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
		spool = agents.start("--spool.max-attempts=2", "--spool.task-timeout=2m");
		store = spool.getBean(TaskStore.class);
	}

	@AfterAll
	static void stop() {
		if (spool != null) {
			spool.close();
		}
	}

	@Test
	void standardOutputIsTheAnswerToThePromptOnStandardInput() throws IOException {
		TaskId first = create("echoer", "Say hello to the otters.", List.of());
		TaskId second = create("echoer", "Say hello to the beavers.", List.of());

		Task one = inState(store, first, CommandAgentTests::done);
		Task two = inState(store, second, CommandAgentTests::done);

		String workspace = agents.workspace.toRealPath().toString();
		String answer = store.readOutput(first).orElseThrow();
		assertThat(answer).startsWith("call ")
			.contains(" for " + first + " by echoer, ")
			.contains("workspace " + agents.workspace.toAbsolutePath() + ", working in " + workspace)
			.endsWith("stdin:\nSay hello to the otters.");
		assertThat(store.readOutput(second).orElseThrow()).contains(" for " + second + " by echoer, ")
			.endsWith("stdin:\nSay hello to the beavers.")
			.isNotEqualTo(answer);
		Attempt done = one.lastDone();
		assertThat(done.agent()).isEqualTo("echoer");
		assertThat(done.model()).as("a command attempt records no model").isNull();
		assertThat(done.tokens()).as("an estimate of what the command was sent and printed").isNotNull();
		assertThat(done.tokens().estimated()).isTrue();
		assertThat(done.tokens().completion()).isCloseTo((answer.length() + 3) / 4, org.assertj.core.data.Offset.offset(2L));
		assertThat(two.attempts()).isEqualTo(1);
	}

	@Test
	void aDependantsCommandReadsItsDependenciesOutputsLabelledBeforeItsPrompt() {
		TaskId facts = create("echoer", "Find facts about rivers.", List.of());
		TaskId essay = create("echoer", "Write the essay.", List.of(facts));

		inState(store, essay, CommandAgentTests::done);

		String factsOutput = store.readOutput(facts).orElseThrow().strip();
		assertThat(store.readOutput(essay).orElseThrow()).endsWith("stdin:\n## Output of " + facts + "\n\n"
				+ factsOutput + "\n\n## Your task\n\nWrite the essay.");
	}

	@Test
	void aNonZeroExitFailsEachAttemptWithItsStatusAndTheEndOfStandardError() {
		TaskId id = create("failer", "Fail, please.", List.of());

		Task failed = inState(store, id, CommandAgentTests::failedForGood);

		assertThat(failed.attempts()).as("spool.max-attempts").isEqualTo(2);
		assertThat(failed.history()).filteredOn((entry) -> entry.outcome() == Attempt.Outcome.ERROR)
			.hasSize(2)
			.allSatisfy((entry) -> assertThat(entry.error()).startsWith("the command exited with status 3")
				.contains("complaint 11 of 30\n")
				.contains("complaint 30 of 30")
				.doesNotContain("complaint 10 of 30"));
		assertThat(store.readOutput(id)).as("nothing is published").isEmpty();
	}

	@Test
	void aCommandThatWritesMegabytesToStandardErrorAndIgnoresItsLongPromptStillAnswers() {
		TaskId id = create("chatty", "Ignore this. ".repeat(20_000), List.of());

		inState(store, id, CommandAgentTests::done);

		assertThat(store.readOutput(id).orElseThrow()).isEqualTo("answered " + id + " without reading its prompt\n");
	}

	@Test
	void whatACommandWritesIsSeenLiveBeforeItEnds() throws Exception {
		TaskId id = create("slow", "Take your time.", List.of());
		LiveAnswers live = spool.getBean(LiveAnswers.class);

		await().atMost(PATIENCE).until(() -> live.current(id).orElse(""), (text) -> text.contains("first part of " + id));
		assertThat(store.index().find(id).orElseThrow().state()).isEqualTo(TaskState.IN_PROGRESS);
		assertThat(live.current(id).orElseThrow()).doesNotContain("second part");
		assertThat(get("/tasks/" + id)).contains("id=\"live-answer\"");
		Files.createFile(agents.scratch.resolve("release-" + id));

		inState(store, id, CommandAgentTests::done);
		assertThat(store.readOutput(id).orElseThrow())
			.isEqualTo("first part of " + id + "\nsecond part of " + id + "\n");
	}

	@Test
	void cancellingATaskEndsItsCommandAndEverythingTheCommandStarted() {
		TaskId id = create("hang", "Wait forever.", List.of());
		long child = agents.pid("child-" + id);
		long grandchild = agents.pid("grandchild-" + id);
		assertThat(isRunning(grandchild)).isTrue();

		store.cancel(id);

		await().atMost(PATIENCE).until(() -> !isRunning(child) && !isRunning(grandchild));
		assertThat(store.index().find(id).orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
	}

	@Test
	void aProgramThatCannotBeStartedFailsTheAttemptSayingSo() {
		TaskId id = create("missing", "Run what is not there.", List.of());

		Task failed = inState(store, id, CommandAgentTests::failedForGood);

		assertThat(failed.error()).startsWith("cannot start the command '/nonexistent/spool-no-such-program': ")
			.contains("No such file or directory");
	}

	@Test
	void aCommandSeesOnlyTheDocumentedVariablesAndThoseItsDefinitionNamesOfSpoolsEnvironment() {
		TaskId id = create("environment", "Print your environment.", List.of());

		inState(store, id, CommandAgentTests::done);

		List<String> lines = store.readOutput(id).orElseThrow().lines().toList();
		assertThat(lines).contains(NAMED + "=" + System.getenv(NAMED), "SPOOL_TASK_ID=" + id, "SPOOL_AGENT=environment");
		assertThat(lines).map((line) -> line.substring(0, line.indexOf('=')))
			.as("Spool's environment holds %s", System.getenv().keySet())
			.allMatch((name) -> GIVEN.contains(name) || name.equals(NAMED));
	}

	@Test
	void commandDefinitionsOthersCanWriteOrThatAlsoNameAModelAreFlaggedAndNotRun() throws Exception {
		AgentCatalog catalog = spool.getBean(AgentCatalog.class);
		Path file = agents.workspace.resolve("agents").toAbsolutePath().resolve("shared.md");
		Path writable = agents.scratch.resolve("writable.sh");

		assertThat(catalog.find("shared")).isEmpty();
		assertThat(catalog.find("open")).isEmpty();
		assertThat(catalog.find("both")).isEmpty();
		assertThat(catalog.find("relative")).isEmpty();
		assertThat(catalog.find("writable")).isEmpty();
		assertThat(catalog.problems()).containsOnlyKeys("shared.md", "open.md", "both.md", "relative.md",
				"writable.md");
		assertThat(catalog.problems().get("shared.md")).contains("the definition " + file
				+ " can be written by its group (rw-rw-r--)", "not run until 'chmod go-w " + file + "'");
		assertThat(catalog.problems().get("open.md")).contains("can be written by other users (rw-r--rw-)");
		assertThat(catalog.problems().get("both.md")).contains("names both a command and a model");
		assertThat(catalog.problems().get("relative.md")).contains("the program './agent.sh' is a relative path");
		assertThat(catalog.problems().get("writable.md")).contains("the program " + writable
				+ " can be written by other users (rwxrwxrwx)", "'chmod go-w " + writable + "'");
		assertThat(get("/agents")).contains("Definitions Spool does not run")
			.contains("shared.md")
			.contains("can be written by its group")
			.contains("names both a command and a model")
			.contains("not run until &#39;chmod go-w " + writable + "&#39;");
		assertThat(spool.getBean(AgentSupervisor.class).workers("shared")).isEmpty();
		assertThat(spool.getBean(AgentSupervisor.class).workers("writable")).isEmpty();
	}

	@Test
	void theAgentsPageAndApiShowTheCommandInsteadOfAModel() throws Exception {
		String command = "bash " + agents.scratch.resolve("echoer.sh") + " " + agents.scratch;

		assertThat(get("/agents")).contains("<dt>Command</dt>").contains(command);
		assertThat(get("/api/agents")).contains("\"name\":\"echoer\"")
			.contains("\"command\":[\"bash\",\"" + agents.scratch.resolve("echoer.sh") + "\",\"" + agents.scratch
					+ "\"]");
	}

	/** Done, with its attempt recorded (the record follows the rename to done). */
	static boolean done(Task task) {
		return task.state() == TaskState.DONE && task.lastDone() != null;
	}

	/** Failed, with the attempt that used up its budget recorded. */
	static boolean failedForGood(Task task) {
		return task.state() == TaskState.FAILED && task.error() != null
				&& ModelEndpointTests.LAST_ATTEMPT.matcher(task.error()).find();
	}

	private static TaskId create(String agent, String prompt, List<TaskId> dependsOn) {
		return store.create(aTask(prompt).forAgent(agent).after(dependsOn).build()).id();
	}

	private static String get(String path) throws IOException, InterruptedException {
		int port = spool.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

}
