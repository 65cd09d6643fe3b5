package dev.spool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.spool.ModelStub;
import dev.spool.workspace.ResultHeader;
import dev.spool.manifest.ManifestReader;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spool run as real, separate JVMs on one workspace and killed with {@code kill -9} ({@link Process#destroyForcibly()},
 * {@code SIGKILL}: no shutdown hook, no finally block) at random moments while they work. The model is a stub that
 * answers each call after a random 50–400 ms, so kills land in the middle of calls, claims and commits. After every
 * kill the workspace must still be whole; in the end every task must be done exactly once: one {@code _done} file per
 * task, one output per task holding the answer to that task's own prompt, no temporary file in {@code tasks/} or
 * {@code outputs/}, no answer left unpublished in {@code .spool/staging/}, and a manifest that lists every task as done.
 *
 * <p>The defaults keep the class to about a minute on a two-core machine, where each round is a whole Spool start.
 * For a longer hunt, set these system properties on the Maven command line, e.g.
 * {@code ./mvnw -o test -Dtest=CrashRecoveryTests -Dspool.crash.rounds=50 -Dspool.crash.kills=20}:
 * <ul>
 * <li>{@code spool.crash.rounds} (4): kill rounds of the single-process test, each one process started, left to work
 * 0.5–2.5 s and killed;</li>
 * <li>{@code spool.crash.tasks} (40): tasks created before its first round;</li>
 * <li>{@code spool.crash.tasks-per-round} (15): tasks added before each later round, so that late rounds still have
 * work to be killed in;</li>
 * <li>{@code spool.crash.shared-tasks} (60): tasks of the several-process test, 20 created before the processes
 * start and the rest while they run and die;</li>
 * <li>{@code spool.crash.kills} (3): kill events of the several-process test, each killing one or two of the three
 * processes and starting as many replacements;</li>
 * <li>{@code spool.crash.seed}: the seed of the test's random choices (printed by each run); timing still varies;</li>
 * <li>{@code spool.crash.strict-staging} (false): also fail when {@code .spool/staging/} keeps what a kill
 * interrupted: the answer of a claim lost in the kill (staged, never committed, its task since done by another
 * attempt), which Spool keeps for an hour on purpose ({@code TaskStore.STAGING_GRACE}), or the temporary file of an
 * answer being staged at the kill. By default they are only printed.</li>
 * </ul>
 * Each process's output and the last run's workspace stay under {@code target/crash-recovery/<test>/} for diagnosis.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CrashRecoveryTests {

	static final int ROUNDS = Math.max(1, Integer.getInteger("spool.crash.rounds", 4));

	static final int TASKS = Math.max(1, Integer.getInteger("spool.crash.tasks", 40));

	static final int TASKS_PER_ROUND = Math.max(0, Integer.getInteger("spool.crash.tasks-per-round", 15));

	static final int SHARED_TASKS = Math.max(1, Integer.getInteger("spool.crash.shared-tasks", 60));

	static final int KILLS = Math.max(1, Integer.getInteger("spool.crash.kills", 3));

	static final boolean STRICT_STAGING = Boolean.getBoolean("spool.crash.strict-staging");

	/** Generous: a cold Spring Boot start takes seconds, and several at once on two cores take much longer. */
	static final Duration STARTUP_PATIENCE = Duration.ofSeconds(180);

	private static final Pattern TASK_NAME = Pattern.compile("(task_\\d+)_(pending|done|failed|cancelled|inprogress_.+)\\.md");

	private final List<SpoolProcess> processes = new CopyOnWriteArrayList<>();

	private final Set<String> ids = new ConcurrentSkipListSet<>();

	private final AtomicInteger lastNumber = new AtomicInteger();

	private final List<String> orphans = new ArrayList<>();

	private volatile Instant lastKill;

	private ModelStub model;

	private Path folder;

	private Path workspace;

	@BeforeEach
	void startModelAndCleanWorkspace(TestInfo test) throws IOException {
		this.folder = Path.of("target", "crash-recovery", test.getTestMethod().orElseThrow().getName())
			.toAbsolutePath();
		FileSystemUtils.deleteRecursively(this.folder);
		this.workspace = Files.createDirectories(this.folder.resolve("workspace"));
		Files.createDirectories(this.workspace.resolve("tasks"));
		this.model = SlowModel.start(50, 400);
	}

	@AfterEach
	void killEveryProcessAndStopTheModel() {
		this.processes.forEach(SpoolProcess::killQuietly);
		if (this.model != null) {
			this.model.close();
		}
	}

	@Test
	void killMinus9AtRandomMomentsLosesNothingAndDoublesNothing() throws Exception {
		long started = System.nanoTime();
		Random random = random("killMinus9AtRandomMomentsLosesNothingAndDoublesNothing");
		createTasks(TASKS);
		List<Kill> kills = new ArrayList<>();
		for (int round = 1; round <= ROUNDS; round++) {
			if (round > 1) {
				createTasks(TASKS_PER_ROUND);
			}
			SpoolProcess spool = launch("round-" + round);
			spool.awaitStarted(STARTUP_PATIENCE);
			awaitWorking(spool);
			Thread.sleep(500 + random.nextInt(2001));
			Kill kill = kill(spool);
			kills.add(kill);
			System.out.println("[crash] " + kill);
			assertWorkspaceWholeWithNoProcessRunning(spool);
		}
		SpoolProcess last = launch("final");
		last.awaitStarted(STARTUP_PATIENCE);
		awaitEveryTaskDone(Duration.ofSeconds(60), List.of(last));
		last.stop();

		assertEveryTaskDoneExactlyOnce();
		report(started, kills);
		assertThat(kills).as("kills that hit a process with a claim it was heartbeating (else the test proves nothing)")
			.anyMatch((kill) -> !kill.claims().isEmpty());
	}

	@Test
	void severalProcessesSomeKilledAndRestartedFinishEveryTaskOnce() throws Exception {
		long started = System.nanoTime();
		Random random = random("severalProcessesSomeKilledAndRestartedFinishEveryTaskOnce");
		int upfront = Math.min(SHARED_TASKS, 20);
		createTasks(upfront);
		List<SpoolProcess> running = new ArrayList<>();
		for (int i = 1; i <= 3; i++) {
			running.add(launch("p" + i));
		}
		for (SpoolProcess spool : running) {
			spool.awaitStarted(STARTUP_PATIENCE);
		}
		AtomicReference<Throwable> creatorFailure = new AtomicReference<>();
		Thread creator = new Thread(() -> {
			try {
				for (int i = upfront; i < SHARED_TASKS; i++) {
					createTasks(1);
					Thread.sleep(40 + random.nextInt(81));
				}
			}
			catch (Throwable ex) {
				creatorFailure.set(ex);
			}
		}, "task-creator");
		creator.start();
		List<Kill> kills = new ArrayList<>();
		int next = running.size() + 1;
		for (int event = 1; event <= KILLS; event++) {
			Thread.sleep(700 + random.nextInt(1301));
			List<SpoolProcess> victims = victims(running, random);
			for (SpoolProcess victim : victims) {
				Kill kill = kill(victim);
				kills.add(kill);
				System.out.println("[crash] " + kill);
				running.remove(victim);
				assertManifestIsWhole("after killing " + victim);
			}
			for (int i = 0; i < victims.size(); i++) {
				running.add(launch("p" + next++));
			}
		}
		creator.join(TimeUnit.MINUTES.toMillis(2));
		assertThat(creatorFailure.get()).as("failure creating tasks").isNull();
		assertThat(this.ids).hasSize(SHARED_TASKS);
		awaitEveryTaskDone(Duration.ofSeconds(90), running);
		for (SpoolProcess spool : running) {
			spool.stop();
		}

		assertEveryTaskDoneExactlyOnce();
		report(started, kills);
		assertThat(kills).as("kills that hit a process waiting for the model (else the test proves nothing)")
			.anyMatch((kill) -> kill.callsInFlight() > 0);
	}

	/** One process, or two when at least two are up, taken among those that have started and called the model. */
	private List<SpoolProcess> victims(List<SpoolProcess> running, Random random) throws InterruptedException {
		List<SpoolProcess> up = running.stream()
			.filter((spool) -> spool.hasStarted() && this.model.requestsFor(spool.name()) > 0)
			.collect(Collectors.toList());
		if (up.isEmpty()) {
			running.get(0).awaitStarted(STARTUP_PATIENCE);
			awaitWorking(running.get(0));
			up.add(running.get(0));
		}
		Collections.shuffle(up, random);
		int count = (up.size() >= 2 && random.nextInt(3) == 0) ? 2 : 1;
		return List.copyOf(up.subList(0, count));
	}

	// Processes

	private SpoolProcess launch(String name) throws IOException {
		SpoolProcess spool = SpoolProcess.launch(name, this.workspace, this.model, this.folder.resolve("logs"));
		this.processes.add(spool);
		return spool;
	}

	/**
	 * Waits for the process's first call to the model. A cold JVM takes seconds between claiming its first tasks and
	 * sending the first request (class loading, the HTTP client); the random working time starts after that, so that
	 * kills also land between calls, in commits and in publications, not only in the first call's warm-up.
	 */
	private void awaitWorking(SpoolProcess spool) {
		await(spool + " calling the model").atMost(STARTUP_PATIENCE)
			.pollInterval(Duration.ofMillis(20))
			.failFast(spool + " stopped on its own", () -> !spool.isAlive())
			.until(() -> this.model.requestsFor(spool.name()) > 0 || !hasWorkLeft());
	}

	private boolean hasWorkLeft() throws IOException {
		return listTasks().values().stream().flatMap(List::stream).anyMatch((name) -> !name.endsWith("_done.md"));
	}

	/** Notes what the process was doing, then kills it with SIGKILL. */
	private Kill kill(SpoolProcess spool) throws Exception {
		List<String> claims = freshClaims(spool);
		int inFlight = this.model.inFlight(spool.name());
		long workedMillis = spool.hasStarted() ? spool.sinceStarted().toMillis() : -1;
		spool.kill();
		this.lastKill = Instant.now();
		long done = listTasks().values().stream().flatMap(List::stream).filter((name) -> name.endsWith("_done.md"))
			.count();
		return new Kill(spool.name(), spool.hasStarted() ? spool.startupTime().toMillis() : -1, claims, inFlight,
				(int) done, workedMillis);
	}

	/**
	 * In-progress files touched since the process was launched: claims it was heartbeating, as opposed to claims left
	 * behind by processes killed earlier, whose files have not changed since. A claim younger than one heartbeat still
	 * has its pending file's time and is missed, which only makes this conservative.
	 */
	private List<String> freshClaims(SpoolProcess spool) throws IOException {
		List<String> fresh = new ArrayList<>();
		for (List<String> names : listTasks().values()) {
			for (String name : names) {
				if (!name.contains("_inprogress_")) {
					continue;
				}
				try {
					if (!Files.getLastModifiedTime(this.workspace.resolve("tasks").resolve(name), LinkOption.NOFOLLOW_LINKS)
						.toInstant()
						.isBefore(spool.launchedAt())) {
						fresh.add(name);
					}
				}
				catch (IOException ex) {
					// Renamed since the listing: not a claim any more.
				}
			}
		}
		return fresh;
	}

	// Tasks

	private static Random random(String test) {
		long seed = Long.getLong("spool.crash.seed", System.nanoTime());
		System.out.println("[crash] " + test + ": seed " + seed + " (replay with -Dspool.crash.seed=" + seed + ")");
		return new Random(seed);
	}

	/** Creates tasks the way the protocol says: written under a dot-name, then renamed into place. */
	private void createTasks(int count) throws IOException {
		Path tasks = this.workspace.resolve("tasks");
		for (int i = 0; i < count; i++) {
			String id = String.format("task_%03d", this.lastNumber.incrementAndGet());
			Path temp = tasks.resolve(".tmp-" + id);
			Files.writeString(temp, prompt(id) + "\n", StandardCharsets.UTF_8);
			Files.move(temp, tasks.resolve(id + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);
			this.ids.add(id);
		}
	}

	private static String prompt(String id) {
		return "prompt for " + id;
	}

	/** The names in {@code tasks/} by task id; other names under the key {@code ""}. */
	private Map<String, List<String>> listTasks() throws IOException {
		Map<String, List<String>> byId = new TreeMap<>();
		for (String name : list(this.workspace.resolve("tasks"))) {
			Matcher matcher = TASK_NAME.matcher(name);
			byId.computeIfAbsent(matcher.matches() ? matcher.group(1) : "", (key) -> new ArrayList<>()).add(name);
		}
		return byId;
	}

	private static List<String> list(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> stream = Files.list(folder)) {
			return stream.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

	// What must hold

	/**
	 * With no process running, the files must be whole: each task exactly one file, nothing lost, no strange name, an
	 * output only for a done task and with the answer to that task's prompt, and a manifest that parses.
	 */
	private void assertWorkspaceWholeWithNoProcessRunning(SpoolProcess killed) throws IOException {
		String after = "after killing " + killed;
		Map<String, List<String>> tasks = listTasks();
		assertThat(tasks.get("")).as("names in tasks/ that are not task files, " + after).isNull();
		assertThat(tasks.keySet()).as("task ids in tasks/, " + after).isEqualTo(this.ids);
		assertThat(tasks).as("files per task, " + after).allSatisfy((id, names) -> assertThat(names).hasSize(1));
		for (String output : list(this.workspace.resolve("outputs"))) {
			String id = output.replaceFirst("_result\\.md$", "");
			assertThat(this.ids).as("output %s is named after a task, %s", output, after).contains(id);
			assertThat(tasks.get(id)).as("the task of output %s, %s", output, after).containsExactly(id + "_done.md");
			assertThat(this.model.answersTo(prompt(id))).as("answers the model gave to %s, %s", id, after)
				.contains(readOutput(id));
		}
		assertManifestIsWhole(after);
	}

	private void assertManifestIsWhole(String when) throws IOException {
		byte[] bytes = Files.readAllBytes(this.workspace.resolve("manifest.json"));
		JsonNode manifest;
		try {
			manifest = JsonMapper.shared().readTree(bytes);
		}
		catch (RuntimeException ex) {
			throw new AssertionError("manifest.json does not parse " + when + ": " + ex.getMessage() + "\n"
					+ new String(bytes, StandardCharsets.UTF_8), ex);
		}
		assertThat(manifest.path("tasks").isArray()).as("manifest.json has a tasks array " + when + ": %s", manifest)
			.isTrue();
		assertThat(ManifestReader.read(this.workspace).path("tasks").isArray())
			.as("the manifest with its journal applied has a tasks array " + when).isTrue();
	}

	/** Waits until the files and the manifest say every task is done with its output; fails at once if a process dies. */
	private void awaitEveryTaskDone(Duration patience, List<SpoolProcess> running) {
		await("every task done, with its output, in the files and the manifest").atMost(patience)
			.pollInterval(Duration.ofMillis(250))
			.failFast("a Spool process stopped on its own", () -> running.stream().anyMatch((p) -> !p.isAlive()))
			.untilAsserted(() -> {
				Map<String, List<String>> tasks = listTasks();
				Map<String, List<String>> notDone = tasks.entrySet()
					.stream()
					.filter((entry) -> !entry.getValue().equals(List.of(entry.getKey() + "_done.md")))
					.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
				assertThat(notDone).as("tasks not done (see the logs in %s)", this.folder.resolve("logs")).isEmpty();
				Set<String> outputs = new TreeSet<>(list(this.workspace.resolve("outputs")));
				assertThat(this.ids.stream().filter((id) -> !outputs.contains(id + "_result.md")))
					.as("done tasks without an output").isEmpty();
				assertThat(manifestStatuses()).as("statuses in manifest.json")
					.containsOnlyKeys(this.ids)
					.allSatisfy((id, status) -> assertThat(status).isEqualTo("done"));
			});
	}

	private void assertEveryTaskDoneExactlyOnce() throws IOException {
		Map<String, List<String>> tasks = listTasks();
		assertThat(tasks.get("")).as("names in tasks/ that are not task files (temporary files included)").isNull();
		assertThat(tasks.keySet()).as("task ids in tasks/: none lost, none made up").isEqualTo(this.ids);
		assertThat(tasks).as("the files of each task")
			.allSatisfy((id, names) -> assertThat(names).containsExactly(id + "_done.md"));

		List<String> outputs = list(this.workspace.resolve("outputs"));
		assertThat(outputs).as("outputs/: exactly one result per task and nothing else (no temporary file)")
			.containsExactlyInAnyOrderElementsOf(this.ids.stream().map((id) -> id + "_result.md").toList());
		for (String id : this.ids) {
			assertPublishedOnceFromOneCall(id);
		}
		assertNothingLeftToPublish(tasks);

		JsonNode manifest = ManifestReader.read(this.workspace);
		List<String> listed = new ArrayList<>();
		for (JsonNode entry : manifest.path("tasks")) {
			listed.add(entry.path("id").asString());
			assertThat(entry.path("status").asString()).as("status of %s in the manifest", entry).isEqualTo("done");
			assertThat(entry.path("output").asString()).as("output of %s in the manifest", entry)
				.isEqualTo("outputs/" + entry.path("id").asString() + "_result.md");
			ResultHeader header = ResultHeader.parse(Files.readString(
					this.workspace.resolve("outputs").resolve(entry.path("id").asString() + "_result.md"))).header();
			assertThat(entry.path("owner").asString()).as("owner of %s: who wrote its result", entry)
				.isEqualTo(header.agent());
			assertThat(Instant.parse(entry.path("completed_at").asString())).as("completed_at of %s", entry)
				.isEqualTo(header.finishedAt());
		}
		assertThat(listed).as("tasks in the manifest, each once").doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(this.ids);
	}

	/**
	 * Nothing may be left in {@code .spool/staging/} but what a kill interrupted: answers staged before the kill and
	 * never committed, for a task that has since been done with its published output (Spool removes those only when a
	 * later process opens the workspace and they are older than an hour, {@code TaskStore.STAGING_GRACE}), and
	 * temporary files of answers being written at the kill (never removed). They are printed, and fail the test with
	 * {@code -Dspool.crash.strict-staging=true}.
	 */
	private void assertNothingLeftToPublish(Map<String, List<String>> tasks) throws IOException {
		Path staging = this.workspace.resolve(".spool").resolve("staging");
		List<String> staged = list(staging);
		if (STRICT_STAGING) {
			assertThat(staged).as(".spool/staging/").isEmpty();
			return;
		}
		for (String name : staged) {
			Instant written = Files.getLastModifiedTime(staging.resolve(name)).toInstant();
			assertThat(this.lastKill).as(".spool/staging/%s was written before a process was killed", name)
				.isNotNull()
				.isAfter(written);
			if (name.startsWith(".") && name.endsWith(".tmp")) {
				// An answer being written when its process was killed; nothing ever removes these.
				this.orphans.add(name);
				continue;
			}
			String id = name.substring(0, Math.max(name.indexOf('.'), 0));
			assertThat(tasks.get(id)).as("the task of .spool/staging/%s", name).containsExactly(id + "_done.md");
			assertThat(this.workspace.resolve("outputs").resolve(id + "_result.md"))
				.as("the output of the task of .spool/staging/%s", name).exists();
			this.orphans.add(name);
		}
	}

	/**
	 * The output is the answer of one model call made for this task's prompt, by the process that recorded the
	 * task's only DONE; and the task was not asked more often than it was attempted. A kill between a rename and the
	 * record written after it (the commit, or a stale claim taken back) leaves that attempt unrecorded, so one call
	 * more than the records count is allowed.
	 */
	private void assertPublishedOnceFromOneCall(String id) throws IOException {
		String output = readOutput(id);
		ModelStub.Exchange call = this.model.exchangeThatAnswered(output)
			.orElseThrow(() -> new AssertionError("the output of " + id + " is no answer the model gave: " + output));
		assertThat(call.request().prompt()).as("the prompt of the call whose answer is the output of %s", id)
			.isEqualTo(prompt(id));
		List<JsonNode> records = records(id);
		List<JsonNode> done = records.stream()
			.filter((record) -> record.path("outcome").asString().equals("DONE"))
			.toList();
		assertThat(done).as("DONE records of %s: one result published", id).hasSizeLessThanOrEqualTo(1);
		if (!done.isEmpty()) {
			assertThat(done.get(0).path("model").asString()).as("the process that recorded the DONE of %s", id)
				.isEqualTo(call.request().model());
		}
		long attempts = records.stream()
			.filter((record) -> Set.of("DONE", "ERROR", "STALE").contains(record.path("outcome").asString()))
			.count();
		assertThat(this.model.answersTo(prompt(id))).as("model calls for %s, whose records count %d attempts", id,
				attempts)
			.hasSizeBetween(1, (int) attempts + 1);
	}

	/** The task's attempt records, in order. */
	private List<JsonNode> records(String id) throws IOException {
		List<JsonNode> records = new ArrayList<>();
		Path folder = this.workspace.resolve(".spool").resolve("attempts");
		for (int number = 1; Files.exists(folder.resolve(id + "." + number + ".json")); number++) {
			records.add(JsonMapper.shared().readTree(Files.readAllBytes(folder.resolve(id + "." + number + ".json"))));
		}
		return records;
	}

	private Map<String, String> manifestStatuses() throws IOException {
		JsonNode manifest = ManifestReader.read(this.workspace);
		Map<String, String> statuses = new TreeMap<>();
		for (JsonNode entry : manifest.path("tasks")) {
			statuses.put(entry.path("id").asString(), entry.path("status").asString());
		}
		return statuses;
	}

	private String readOutput(String id) throws IOException {
		return ResultHeader.parse(
				Files.readString(this.workspace.resolve("outputs").resolve(id + "_result.md"), StandardCharsets.UTF_8))
			.text();
	}

	// Reporting

	private void report(long startedNanos, List<Kill> kills) throws IOException {
		Map<String, Long> callsPerTask = this.model.requests()
			.stream()
			.collect(Collectors.groupingBy((call) -> call.prompt().replace("prompt for ", ""), TreeMap::new,
					Collectors.counting()));
		long repeated = callsPerTask.values().stream().filter((count) -> count > 1).count();
		JsonNode manifest = ManifestReader.read(this.workspace);
		int maxAttempts = 0;
		int retried = 0;
		for (JsonNode entry : manifest.path("tasks")) {
			int attempts = entry.path("attempts").asInt(0);
			maxAttempts = Math.max(maxAttempts, attempts);
			retried += (attempts > 1) ? 1 : 0;
		}
		List<String> leftovers = new ArrayList<>();
		for (Path folder : List.of(this.workspace, this.workspace.resolve(".spool").resolve("attempts"),
				this.workspace.resolve(".spool").resolve("ids"))) {
			list(folder).stream().filter((name) -> name.endsWith(".tmp")).map((name) -> folder.getFileName() + "/" + name)
				.forEach(leftovers::add);
		}
		System.out.printf("[crash] %d tasks, %d kills (%d with a fresh claim, %d with a model call in flight),"
				+ " %d model calls (%d tasks asked more than once), attempts per task at most %d (%d tasks with more"
				+ " than one), left in .spool/staging/ by kills: %s, temporary files left outside tasks/"
				+ " and outputs/: %s; %.1f s%n", this.ids.size(),
				kills.size(), kills.stream().filter((kill) -> !kill.claims().isEmpty()).count(),
				kills.stream().filter((kill) -> kill.callsInFlight() > 0).count(), this.model.requests().size(), repeated,
				maxAttempts, retried, this.orphans, leftovers, (System.nanoTime() - startedNanos) / 1e9);
		for (SpoolProcess spool : this.processes) {
			List<String> warnings = spool.warnings();
			if (!warnings.isEmpty()) {
				System.out.println("[crash] " + spool + " logged " + warnings.size() + " warnings, e.g. "
						+ warnings.stream().limit(3).map((line) -> line.replaceFirst("^.*? (WARN|ERROR) ", "$1 "))
							.collect(Collectors.joining(" | ")));
			}
		}
	}

	/**
	 * What a killed process was doing when it was killed.
	 *
	 * @param process its name
	 * @param startupMillis how long it took to start, or -1 if it had not
	 * @param claims in-progress files it was heartbeating
	 * @param callsInFlight calls it had sent to the model and not had answered
	 * @param doneAfter tasks done once it was dead
	 * @param workedMillis how long it had run since it started, or -1 if it had not
	 */
	record Kill(String process, long startupMillis, List<String> claims, int callsInFlight, int doneAfter,
			long workedMillis) {

		@Override
		public String toString() {
			return "killed " + this.process + " (started in " + this.startupMillis + " ms, then worked "
					+ this.workedMillis + " ms) with claims " + this.claims + " and " + this.callsInFlight
					+ " model calls in flight; " + this.doneAfter + " tasks done";
		}

	}

}
