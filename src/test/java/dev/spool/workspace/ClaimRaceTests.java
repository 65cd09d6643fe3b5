package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.manifest.ManifestReader;
import dev.spool.manifest.ManifestWriter;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Races on the file protocol between agents that share nothing but the workspace folder: each opens its own
 * {@link Workspace}, in threads of this JVM or in child JVMs ({@link ClaimRaceWorker}). Set
 * {@code -Dspool.race.rounds=N} to multiply the number of tasks for a longer run.
 */
class ClaimRaceTests {

	/** Multiplies every task count; 1 keeps the class to a few seconds. */
	private static final int ROUNDS = Math.max(1, Integer.getInteger("spool.race.rounds", 1));

	/** How long to wait for a child process or a thread; the claiming loops give up sooner. */
	private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(120L + 90L * ROUNDS);

	@TempDir
	Path temp;

	private final List<Process> children = new ArrayList<>();

	private ExecutorService threads;

	@AfterEach
	void stopWhatWasStarted() {
		for (Process child : this.children) {
			if (child.isAlive()) {
				child.destroyForcibly();
			}
		}
		if (this.threads != null) {
			this.threads.shutdownNow();
		}
	}

	@Test
	void agentsInSeparateThreadsEachTaskIsClaimedAndCompletedExactlyOnce() throws Exception {
		int taskCount = 300 * ROUNDS;
		Path root = this.temp.resolve("workspace");
		Workspace creator = ClaimRaceWorker.open(root);
		Set<TaskId> ids = create(creator, taskCount);
		List<ClaimRaceWorker.Tally> tallies = raceThreads(root, 8, taskCount);
		System.out.println("Agents in threads: " + tallies);

		Map<TaskId, Integer> claims = countPerId(tallies.stream().flatMap((tally) -> tally.claimed().stream()));
		Map<TaskId, Integer> completions = countPerId(
				tallies.stream().flatMap((tally) -> tally.completed().stream()));
		assertThat(claims.keySet()).as("tasks claimed").isEqualTo(ids);
		assertThat(claims).as("successful claims per task").allSatisfy((id, count) -> assertThat(count).isOne());
		assertThat(completions.keySet()).as("tasks completed").isEqualTo(ids);
		assertThat(completions).as("successful completions per task")
			.allSatisfy((id, count) -> assertThat(count).isOne());
		assertThat(tallies).as("no claim won is lost again without a requeue")
			.allSatisfy((tally) -> assertThat(tally.lostCompletions).isEmpty());
		assertEveryTaskDoneOnceByItsCompleter(root, ids, completers(tallies));
		assertThat(tallies.stream().filter((tally) -> !tally.completed().isEmpty()).count())
			.as("agents that did some of the work").isGreaterThan(1);

		creator.index().rescan();
		ManifestWriter writer = new ManifestWriter(creator.layout(), creator.files(), creator.index());
		writer.write();
		writer.close();
		JsonNode manifest = ManifestReader.read(root);
		Map<String, String> statuses = new TreeMap<>();
		for (JsonNode entry : manifest.path("tasks")) {
			assertThat(statuses.put(entry.path("id").asString(), entry.path("status").asString()))
				.as("a second manifest entry for " + entry.path("id").asString())
				.isNull();
		}
		assertThat(statuses.keySet()).isEqualTo(texts(ids));
		assertThat(statuses.values()).containsOnly("done");
	}

	@Test
	void agentsInSeparateProcessesEachTaskIsCompletedByExactlyOneOfThem() throws Exception {
		int taskCount = 200 * ROUNDS;
		Path root = this.temp.resolve("workspace");
		Path control = Files.createDirectories(this.temp.resolve("control"));
		Workspace parent = ClaimRaceWorker.open(root);
		Set<TaskId> ids = create(parent, taskCount);
		long pauseMillis = 3;
		List<String> childAgents = List.of("process-a", "process-b");
		for (String agent : childAgents) {
			launch(control, agent, "drain", root.toString(), agent, control.resolve(agent + ".tally").toString(),
					control.resolve(agent + ".ready").toString(), control.resolve("go").toString(),
					String.valueOf(pauseMillis), String.valueOf(taskCount));
		}
		awaitReady(control, childAgents);
		Files.writeString(control.resolve("go"), "go");
		ClaimRaceWorker.Tally own = ClaimRaceWorker.drain(parent, "parent", pauseMillis, taskCount,
				Duration.ofSeconds(1));
		awaitExit(control, childAgents);
		assertThat(own.lostCompletions).as("completions lost without a requeue").isEmpty();

		Map<String, List<TaskId>> completedBy = new HashMap<>();
		completedBy.put("parent", own.completed());
		for (String agent : childAgents) {
			completedBy.put(agent, readIds(control.resolve(agent + ".tally")));
		}
		Map<TaskId, Integer> completions = countPerId(completedBy.values().stream().flatMap(List::stream));
		assertThat(completions.keySet()).as("tasks completed by someone").isEqualTo(ids);
		assertThat(completions).as("tallies naming each task").allSatisfy((id, count) -> assertThat(count).isOne());
		// Each process raced for the tasks: it won some, or lost its claims to the others (a process that falls behind
		// goes for the tasks they have just taken, and may lose every race: all three take the lowest id first).
		for (String agent : childAgents) {
			String log = log(control, agent);
			assertThat(!completedBy.get(agent).isEmpty() || lostClaims(log) > 0)
				.as("%s raced for the tasks (%s)", agent, log)
				.isTrue();
		}
		assertThat(completedBy.values().stream().filter((completed) -> !completed.isEmpty()).count())
			.as("processes that completed tasks")
			.isGreaterThanOrEqualTo(2);
		System.out.println("Completed by each process: " + completedBy.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue().size())
			.sorted()
			.toList());
		Map<TaskId, String> completers = new HashMap<>();
		completedBy.forEach((agent, completed) -> completed.forEach((id) -> completers.put(id, agent)));
		assertEveryTaskDoneOnceByItsCompleter(root, ids, completers);
	}

	@Test
	void tasksCreatedAtOnceByThreadsAndAProcessGetDistinctIds() throws Exception {
		int perCreator = 50 * ROUNDS;
		int threadCount = 4;
		Path root = this.temp.resolve("workspace");
		Path control = Files.createDirectories(this.temp.resolve("control"));
		ClaimRaceWorker.open(root);
		launch(control, "creator", "create", root.toString(), String.valueOf(perCreator),
				control.resolve("creator.tally").toString(), control.resolve("creator.ready").toString(),
				control.resolve("go").toString());
		List<Workspace> creators = new ArrayList<>();
		for (int i = 0; i < threadCount; i++) {
			creators.add(ClaimRaceWorker.open(root));
		}
		awaitReady(control, List.of("creator"));
		this.threads = Executors.newFixedThreadPool(threadCount);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<TaskId>>> futures = new ArrayList<>();
		for (int i = 0; i < threadCount; i++) {
			Workspace workspace = creators.get(i);
			int thread = i;
			futures.add(this.threads.submit(() -> {
				start.await();
				List<TaskId> created = new ArrayList<>();
				for (int n = 0; n < perCreator; n++) {
					created.add(workspace.store().create(NewTask.of("thread " + thread + ", #" + n)).id());
				}
				return created;
			}));
		}
		Files.writeString(control.resolve("go"), "go");
		start.countDown();
		List<TaskId> created = new ArrayList<>();
		results(futures).forEach(created::addAll);
		awaitExit(control, List.of("creator"));
		created.addAll(readIds(control.resolve("creator.tally")));

		int creations = perCreator * (threadCount + 1);
		assertThat(created).hasSize(creations).doesNotHaveDuplicates();
		List<String> names = list(root.resolve("tasks"));
		assertThat(names).as("files in tasks/").hasSize(creations);
		List<TaskFile> files = names.stream()
			.map((name) -> TaskFile.parse(name).orElseThrow(() -> new AssertionError("not a task file: " + name)))
			.toList();
		assertThat(files).extracting(TaskFile::id).as("ids of the files").doesNotHaveDuplicates();
		assertThat(files).extracting(TaskFile::id).containsExactlyInAnyOrderElementsOf(created);
		assertThat(files).extracting(TaskFile::state).containsOnly(TaskState.PENDING);
	}

	@Test
	void aCompletionAfterTheClaimWasTakenBackLoses() throws Exception {
		Path root = this.temp.resolve("workspace");
		Workspace orchestrator = ClaimRaceWorker.open(root);
		Workspace first = ClaimRaceWorker.open(root);
		Workspace second = ClaimRaceWorker.open(root);
		TaskId id = orchestrator.store().create(NewTask.of("take your time")).id();

		first.index().rescan();
		Claim late = first.store().claim(first.index().find(id).orElseThrow(), "agent-a").orElseThrow();
		orchestrator.index().rescan();
		assertThat(orchestrator.store().requeueStale(late.file(), "test")).hasValue(TaskState.PENDING);
		second.index().rescan();
		// A file another process wrote is offered once it has settled (TaskIndex.SETTLE).
		List<Task> claimable = Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> second.index().claimable("agent-b", 10), (found) -> !found.isEmpty());
		assertThat(claimable).extracting(Task::id).containsExactly(id);
		Claim rightful = second.store().claim(claimable.get(0), "agent-b").orElseThrow();
		assertThat(second.store().complete(rightful, answer("agent-b", id))).isTrue();

		assertThat(first.store().complete(late, answer("agent-a", id))).isFalse();
		assertThat(resultText(root, id))
			.isEqualTo(ClaimRaceWorker.answerText("agent-b", id));
		assertThat(list(root.resolve("tasks"))).containsExactly(id.text() + "_done.md");
		assertThat(list(root.resolve("outputs"))).containsExactly(id.text() + "_result.md");
		assertThat(list(root.resolve(".spool").resolve("staging"))).isEmpty();
	}

	@Test
	void aCompletionAfterTheClaimWasTakenBackLosesEvenWhenItArrivesBeforeTheNewClaimant() throws Exception {
		Path root = this.temp.resolve("workspace");
		Workspace orchestrator = ClaimRaceWorker.open(root);
		Workspace first = ClaimRaceWorker.open(root);
		Workspace second = ClaimRaceWorker.open(root);
		TaskId id = orchestrator.store().create(NewTask.of("take your time")).id();

		first.index().rescan();
		Claim late = first.store().claim(first.index().find(id).orElseThrow(), "agent-a").orElseThrow();
		orchestrator.index().rescan();
		assertThat(orchestrator.store().requeueStale(late.file(), "test")).hasValue(TaskState.PENDING);
		second.index().rescan();
		Claim rightful = second.store().claim(second.index().find(id).orElseThrow(), "agent-b").orElseThrow();

		assertThat(first.store().complete(late, answer("agent-a", id))).isFalse();
		assertThat(root.resolve("outputs").resolve(id.text() + "_result.md")).doesNotExist();
		assertThat(second.store().complete(rightful, answer("agent-b", id))).isTrue();
		assertThat(resultText(root, id))
			.isEqualTo(ClaimRaceWorker.answerText("agent-b", id));
		assertThat(list(root.resolve("tasks"))).containsExactly(id.text() + "_done.md");
		assertThat(list(root.resolve(".spool").resolve("staging"))).isEmpty();
	}

	// Regression tests for races the tests above once found.

	@Test
	void aLostClaimTakesTheTaskOutOfWhatTheIndexOffers() throws Exception {
		// A race: before the fix this failed most runs, not every run.
		int taskCount = 300 * ROUNDS;
		Path root = this.temp.resolve("workspace");
		create(ClaimRaceWorker.open(root), taskCount);
		List<ClaimRaceWorker.Tally> tallies = raceThreads(root, 8, taskCount);
		assertThat(tallies).as("lost claims after which the task was still offered, its pending file being gone")
			.allSatisfy((tally) -> assertThat(tally.staleOffers).as(tally.toString()).isZero());
	}

	@Test
	void aCompletionAfterTheClaimWasTakenBackLosesEvenWhenAnAgentOfTheSameNameClaimedItAgain() throws Exception {
		// Two slots of one agent (concurrency > 1), or one agent run by two Spool processes, share a name.
		Path root = this.temp.resolve("workspace");
		Workspace orchestrator = ClaimRaceWorker.open(root);
		Workspace first = ClaimRaceWorker.open(root);
		Workspace second = ClaimRaceWorker.open(root);
		TaskId id = orchestrator.store().create(NewTask.of("take your time")).id();

		first.index().rescan();
		Claim late = first.store().claim(first.index().find(id).orElseThrow(), "agent-a").orElseThrow();
		orchestrator.index().rescan();
		assertThat(orchestrator.store().requeueStale(late.file(), "test")).hasValue(TaskState.PENDING);
		second.index().rescan();
		Claim rightful = second.store().claim(second.index().find(id).orElseThrow(), "agent-a").orElseThrow();

		assertThat(first.store().heartbeat(late)).as("the late slot's heartbeat finds its claim gone").isFalse();
		assertThat(first.store().complete(late, new Answer("the late answer", "race-model", true, null))).isFalse();
		assertThat(second.store().complete(rightful, new Answer("the rightful answer", "race-model", true, null)))
			.isTrue();
		assertThat(resultText(root, id))
			.isEqualTo("the rightful answer");
	}

	@Test
	void anAgentThatJoinsJustAfterAnotherCommitsLeavesThatCompletionSuccessful() throws Exception {
		Path root = this.temp.resolve("workspace");
		AtomicBoolean armed = new AtomicBoolean();
		AtomicReference<Throwable> joinFailure = new AtomicReference<>();
		// The listener runs on the committing thread right after the rename to done, before the output is linked:
		// another agent opens the workspace exactly then.
		Workspace agent = Workspace.open(root, ClaimRaceWorker.SETTINGS, Clock.systemUTC(), (change) -> {
			if (change.after() != null && change.after().state() == TaskState.DONE && armed.getAndSet(false)) {
				try {
					ClaimRaceWorker.open(root);
				}
				catch (Throwable ex) {
					joinFailure.set(ex);
				}
			}
		});
		TaskId id = agent.store().create(NewTask.of("answer me")).id();
		Claim claim = agent.store().claim(agent.index().find(id).orElseThrow(), "agent-a").orElseThrow();
		armed.set(true);

		assertThat(agent.store().complete(claim, answer("agent-a", id))).isTrue();
		assertThat(joinFailure.get()).isNull();
		assertThat(resultText(root, id))
			.isEqualTo(ClaimRaceWorker.answerText("agent-a", id));
		assertThat(list(root.resolve(".spool").resolve("staging"))).isEmpty();
	}

	@Test
	void anAgentThatJoinsWhileAnotherCompletesDoesNotLoseTheAnswer() throws Exception {
		Path root = this.temp.resolve("workspace");
		CountDownLatch committed = new CountDownLatch(1);
		CountDownLatch joined = new CountDownLatch(1);
		AtomicBoolean pauseAfterCommit = new AtomicBoolean(true);
		// The completing agent pauses right after its rename to done, before it links the output.
		Workspace agent = Workspace.open(root, ClaimRaceWorker.SETTINGS, Clock.systemUTC(), (change) -> {
			if (change.after() != null && change.after().state() == TaskState.DONE
					&& pauseAfterCommit.getAndSet(false)) {
				committed.countDown();
				awaitQuietly(joined);
			}
		});
		TaskId id = agent.store().create(NewTask.of("answer me")).id();
		this.threads = Executors.newSingleThreadExecutor();
		AtomicReference<Future<Boolean>> completion = new AtomicReference<>();
		AtomicBoolean completeOnFirstSight = new AtomicBoolean(true);
		// The joining agent has listed tasks/ and seen the task pending; before it looks at the staged answers, the
		// other agent claims the task and commits its answer. A large workspace, whose opening rescan reads every
		// task, makes that window long.
		Workspace.open(root, ClaimRaceWorker.SETTINGS, Clock.systemUTC(), (change) -> {
			if (change.after() != null && change.after().state() == TaskState.PENDING
					&& completeOnFirstSight.getAndSet(false)) {
				Claim claim = agent.store().claim(agent.index().find(id).orElseThrow(), "agent-a").orElseThrow();
				completion.set(this.threads.submit(() -> agent.store().complete(claim, answer("agent-a", id))));
				awaitQuietly(committed);
			}
		});
		joined.countDown();

		assertThat(completion.get().get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(list(root.resolve("tasks"))).containsExactly(id.text() + "_done.md");
		assertThat(resultText(root, id)).as("the published answer")
			.isEqualTo(ClaimRaceWorker.answerText("agent-a", id));
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Starts agents in threads, each with its own workspace on the folder, and lets them take every task. */
	private List<ClaimRaceWorker.Tally> raceThreads(Path root, int agentCount, int taskCount) throws Exception {
		List<Workspace> agents = new ArrayList<>();
		for (int i = 0; i < agentCount; i++) {
			agents.add(ClaimRaceWorker.open(root));
		}
		this.threads = Executors.newFixedThreadPool(agentCount);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<ClaimRaceWorker.Tally>> futures = new ArrayList<>();
		for (int i = 0; i < agentCount; i++) {
			Workspace workspace = agents.get(i);
			String agent = "thread-" + i;
			futures.add(this.threads.submit(() -> {
				start.await();
				return ClaimRaceWorker.drain(workspace, agent, 0, taskCount, Duration.ofSeconds(2));
			}));
		}
		start.countDown();
		return results(futures);
	}

	private static Answer answer(String agent, TaskId id) {
		return new Answer(ClaimRaceWorker.answerText(agent, id), "race-model", true, null);
	}

	private static Set<TaskId> create(Workspace workspace, int count) {
		Set<TaskId> ids = new HashSet<>();
		for (int i = 0; i < count; i++) {
			ids.add(workspace.store().create(NewTask.of("race task #" + i)).id());
		}
		assertThat(ids).hasSize(count);
		return ids;
	}

	/**
	 * Every task's file is done and is the only file with its id, every task has exactly one output holding the
	 * answer of the agent that completed it, and nothing half-written or staged is left behind.
	 */
	private static void assertEveryTaskDoneOnceByItsCompleter(Path root, Set<TaskId> ids,
			Map<TaskId, String> completers) throws IOException {
		List<String> taskNames = list(root.resolve("tasks"));
		assertThat(taskNames).as("files in tasks/")
			.containsExactlyInAnyOrderElementsOf(ids.stream().map((id) -> id.text() + "_done.md").toList());
		List<String> outputNames = list(root.resolve("outputs"));
		assertThat(outputNames).as("files in outputs/")
			.containsExactlyInAnyOrderElementsOf(ids.stream().map((id) -> id.text() + "_result.md").toList());
		for (TaskId id : ids) {
			assertThat(resultText(root, id))
				.as("output of " + id)
				.isEqualTo(ClaimRaceWorker.answerText(completers.get(id), id));
		}
		assertThat(list(root.resolve(".spool").resolve("staging"))).as("staged answers left over").isEmpty();
		try (Stream<Path> all = Files.walk(root)) {
			assertThat(all.map((path) -> root.relativize(path).toString()).filter((name) -> name.endsWith(".tmp")))
				.as("temporary files left over")
				.isEmpty();
		}
	}

	private static Map<TaskId, String> completers(List<ClaimRaceWorker.Tally> tallies) {
		Map<TaskId, String> completers = new HashMap<>();
		tallies.forEach((tally) -> tally.completed().forEach((id) -> completers.put(id, tally.agent)));
		return completers;
	}

	private static Map<TaskId, Integer> countPerId(Stream<TaskId> ids) {
		return ids.collect(Collectors.toMap((id) -> id, (id) -> 1, Integer::sum, TreeMap::new));
	}

	private static Set<String> texts(Collection<TaskId> ids) {
		return ids.stream().map(TaskId::text).collect(Collectors.toSet());
	}

	private static List<String> list(Path folder) throws IOException {
		try (Stream<Path> entries = Files.list(folder)) {
			return entries.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

	private static List<TaskId> readIds(Path tally) throws IOException {
		return Files.readAllLines(tally, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> !line.isBlank())
			.map((line) -> TaskId.parse(line).orElseThrow(() -> new AssertionError("not an id: " + line)))
			.toList();
	}

	private <T> List<T> results(List<Future<T>> futures) throws Exception {
		List<T> results = new ArrayList<>();
		for (Future<T> future : futures) {
			results.add(future.get(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		return results;
	}

	// Child processes

	private void launch(Path control, String name, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(javaBinary());
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.add("-cp");
		command.add(childClassPath());
		command.add(ClaimRaceWorker.class.getName());
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(control.resolve(name + ".log").toFile())
			.start();
		this.children.add(process);
	}

	private static String javaBinary() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/**
	 * The class path of this JVM. Surefire may start tests with a manifest-only jar as the class path; it names the
	 * real one in {@code surefire.test.class.path}, and the jar itself would also do.
	 */
	private static String childClassPath() {
		String surefire = System.getProperty("surefire.test.class.path");
		if (surefire != null && !surefire.isBlank()) {
			return surefire;
		}
		return System.getProperty("java.class.path");
	}

	private void awaitReady(Path control, List<String> names) throws Exception {
		long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			Process process = this.children.get(this.children.size() - names.size() + i);
			while (!Files.exists(control.resolve(name + ".ready"))) {
				if (!process.isAlive()) {
					fail(name + " stopped before it was ready, with status " + process.exitValue() + ":%n%s",
							log(control, name));
				}
				if (System.nanoTime() > deadline) {
					fail(name + " was not ready within " + CHILD_TIMEOUT + ":%n%s", log(control, name));
				}
				Thread.sleep(10);
			}
		}
	}

	private void awaitExit(Path control, List<String> names) throws Exception {
		for (int i = 0; i < names.size(); i++) {
			String name = names.get(i);
			Process process = this.children.get(this.children.size() - names.size() + i);
			if (!process.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				fail(name + " did not finish within " + CHILD_TIMEOUT + ":%n%s", log(control, name));
			}
			assertThat(process.exitValue()).as("exit status of %s, whose output was:%n%s", name, log(control, name))
				.isZero();
		}
	}

	/** The claims a drain lost, from the tally it printed. */
	private static int lostClaims(String log) {
		Matcher lost = Pattern.compile("lost (\\d+) claims").matcher(log);
		return lost.find() ? Integer.parseInt(lost.group(1)) : 0;
	}

	private static String log(Path control, String name) {
		try {
			return Files.readString(control.resolve(name + ".log"));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}


	/** A published result as a reader is shown it, without the header that says who wrote it. */
	private static String resultText(Path root, TaskId id) throws IOException {
		return ResultHeader.parse(Files.readString(root.resolve("outputs").resolve(id.text() + "_result.md"))).text();
	}

}
