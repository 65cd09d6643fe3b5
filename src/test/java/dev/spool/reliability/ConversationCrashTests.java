package dev.spool.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.ResultHeader;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conversations of a model agent lent Spool's tools, cut off by {@code kill -9} in a real Spool process: while a
 * {@code submit_task} call runs (its turn recorded, its result not yet), once such a call has made its subtask and not
 * yet recorded so (where a call run again without its key would submit twice), while a turn is pending at the model,
 * while parents wait for their subtasks, or at a random moment; each round takes the next kind of moment, the first
 * chosen at random. A delegating agent ({@code tools: [spool]}, two slots) gets
 * parent tasks; each parent's model submits two subtasks in one turn, or one and then two over two turns, waits for
 * them all with {@code wait_task} calls in one turn, then answers quoting each subtask's answer by its id. Some
 * subtasks go back to the delegating agent itself, the others to a helper agent without tools. Each round starts a
 * process, kills it at the moment the round chose, and checks what the kill left; a last process finishes the work.
 * Then, from the files: every parent is done and its answer names exactly its subtasks' answers; it has as many
 * subtasks as its conversation has distinct {@code submit_task} calls (none submitted twice), and each key in
 * {@code .spool/calls/} names the task its call's result names; every call is asked once and answered once; its
 * attempt records end in its one {@code DONE}, and each {@code WAITED} record, like each wait in its conversation,
 * names only its subtasks; every conversation line is JSON; no task is left waiting or in progress; and the model was never sent a parent's
 * conversation that left out a turn it had recorded (never restarted from scratch).
 *
 * <p>The model stub gives every answer and every call id its own number, so that a subtask made twice, or a turn
 * asked again, shows. Its answers to parents come after 20–300 ms, to subtasks after 150–700 ms.
 * {@code -Dspool.crash.conversation-rounds=N} (5, one per kind of moment) runs more kill rounds, each adding
 * {@code -Dspool.crash.conversation-parents=N} (2) parents to three at the start; {@code -Dspool.crash.seed=S} replays
 * the kill moments (timing still varies). Logs and the workspace stay under {@code target/crash-recovery/conversations/}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConversationCrashTests {

	static final int ROUNDS = Math.max(1, Integer.getInteger("spool.crash.conversation-rounds", 5));

	static final int PARENTS_PER_ROUND = Math.max(1, Integer.getInteger("spool.crash.conversation-parents", 2));

	static final int FIRST_PARENTS = 3;

	static final Duration STARTUP_PATIENCE = Duration.ofSeconds(120);

	static final Duration PATIENCE = Duration.ofSeconds(90);

	static final JsonMapper JSON = JsonMapper.shared();

	private static final Pattern PARENT_PROMPT = Pattern.compile("Parent (\\d+): .*");

	private static final Pattern TASK_FILE = Pattern.compile("(task_\\d+)_(.+)\\.md");

	private static final Pattern TASK_NUMBER = Pattern.compile("task_(\\d+).*");

	private static final Pattern TASK_ID = Pattern.compile("task_\\d+");

	/** The stub's own call ids: {@code call_<request number>_<index>}. */
	private static final Pattern CALL_ID = Pattern.compile("call_(\\d+)_\\d+");

	private final List<SpoolProcess> processes = new CopyOnWriteArrayList<>();

	private final Map<String, String> parents = new TreeMap<>();

	private ModelStub model;

	private Path folder;

	private Path workspace;

	@BeforeEach
	void startModelAndWriteAgents() throws IOException {
		this.folder = Path.of("target", "crash-recovery", "conversations").toAbsolutePath();
		FileSystemUtils.deleteRecursively(this.folder);
		this.workspace = Files.createDirectories(this.folder.resolve("workspace"));
		Files.createDirectories(this.workspace.resolve("tasks"));
		Path agents = Files.createDirectories(this.workspace.resolve("agents"));
		Files.writeString(agents.resolve("lead.md"), "---\nconcurrency: 2\nroles: [lead]\ntools: [spool]\n---\n"
				+ "You split work into subtasks, wait for them and combine their answers.\n");
		Files.writeString(agents.resolve("helper.md"), "---\nconcurrency: 1\nroles: [helper]\n---\nYou write parts.\n");
		this.model = ModelStub.start().otherwise(ConversationCrashTests::answer);
	}

	@AfterEach
	void killEveryProcessAndStopTheModel() {
		this.processes.forEach(SpoolProcess::killQuietly);
		if (this.model != null) {
			this.model.close();
		}
	}

	@Test
	void killMinus9WhileToolsRunTurnsArePendingOrParentsWaitSubmitsNoSubtaskTwiceAndResumesEveryConversation()
			throws Exception {
		long started = System.nanoTime();
		long seed = Long.getLong("spool.crash.seed", System.nanoTime());
		System.out.println("[conversation-crash] seed " + seed + " (-Dspool.crash.seed=" + seed
				+ " replays the kill moments)");
		Random random = new Random(seed);
		Moment[] moments = Moment.values();
		int first = random.nextInt(moments.length);
		addParents(FIRST_PARENTS);
		int cutOffMidTools = 0;
		int leftWaiting = 0;
		for (int round = 1; round <= ROUNDS; round++) {
			if (round > 1) {
				addParents(PARENTS_PER_ROUND);
			}
			SpoolProcess spool = launch("round-" + round);
			await(spool + " calling the model").atMost(STARTUP_PATIENCE)
				.pollInterval(Duration.ofMillis(20))
				.failFast(spool + " stopped on its own", () -> !spool.isAlive())
				.until(() -> this.model.requestsFor(spool.name()) > 0);
			Moment moment = moments[(first + round) % moments.length];
			boolean hit = killAt(spool, moment, random);
			String kill = "kill " + round + ": " + moment + (hit ? "" : " (not seen: killed at the patience's end)")
					+ ", leaving " + afterKill();
			System.out.println("[conversation-crash] " + kill);
			assertFilesWholeAfterAKill(spool);
			cutOffMidTools += (unansweredSubmits() > 0) ? 1 : 0;
			leftWaiting += waitingParents() > 0 ? 1 : 0;
		}
		SpoolProcess last = launch("final");
		awaitEveryTaskDone(last);
		last.stop();

		for (String parent : this.parents.keySet()) {
			assertParentAnsweredFromEachSubtaskOnce(parent);
		}
		assertNoTurnLeftOutOfARequest();
		assertThat(cutOffMidTools).as("kills that left a submit_task call without its result (else the test proves"
				+ " little)").isPositive();
		assertThat(leftWaiting).as("kills that left a parent waiting for its subtasks").isPositive();
		System.out.printf("[conversation-crash] %d parents, %d subtasks, %d model requests; %.1f s%n",
				this.parents.size(), tasks().size() - this.parents.size(), this.model.requestCount(),
				(System.nanoTime() - started) / 1e9);
	}

	// The model

	/**
	 * The stub's answers. A parent ({@code Parent N: ...}) submits its subtasks, in one turn or over two, then waits
	 * for them all in one turn, then quotes each one's answer by its id; what it does next is read from the
	 * conversation it is sent. A subtask ({@code Part ...}) is answered with text naming the request.
	 */
	static ModelReply answer(ModelRequest request) {
		String prompt = request.messagesFrom("user").get(0).text().strip();
		int n = request.number();
		Matcher parent = PARENT_PROMPT.matcher(prompt);
		if (!parent.matches()) {
			return ModelReply.text("Answer " + n + " to: " + prompt).model(request.model()).after(pause(150, 700));
		}
		int number = Integer.parseInt(parent.group(1));
		Map<String, ModelStub.ToolCall> calls = new LinkedHashMap<>();
		request.messagesFrom("assistant").forEach((turn) -> turn.toolCalls().forEach((call) -> calls.put(call.id(), call)));
		Map<String, JsonNode> submitted = new LinkedHashMap<>();
		Map<String, JsonNode> waited = new LinkedHashMap<>();
		for (ModelRequest.Message result : request.messagesFrom("tool")) {
			String name = calls.get(result.toolCallId()).name();
			JsonNode task = JSON.readTree(result.text());
			(name.equals("submit_task") ? submitted : waited).put(result.toolCallId(), task);
		}
		List<Integer> batches = (number % 2 == 0) ? List.of(2) : List.of(1, 2);
		String role = (number % 3 == 0) ? "lead" : "helper";
		ModelReply reply;
		if (submitted.size() < batches.stream().mapToInt(Integer::intValue).sum()) {
			int batch = batches.get((submitted.size() == 0) ? 0 : 1);
			List<ModelStub.ToolCall> submits = new ArrayList<>();
			for (int i = 1; i <= batch; i++) {
				String part = "Part " + (submitted.size() + i) + " of parent " + number + " (request " + n + ")";
				submits.add(ModelStub.ToolCall.of("submit_task", JSON.writeValueAsString(Map.of("prompt", part,
						"role", role))));
			}
			reply = ModelReply.toolCalls(submits.toArray(ModelStub.ToolCall[]::new));
		}
		else if (waited.isEmpty()) {
			reply = ModelReply.toolCalls(submitted.values()
				.stream()
				.map((task) -> ModelStub.ToolCall.of("wait_task",
						JSON.writeValueAsString(Map.of("id", task.path("id").asString()))))
				.toArray(ModelStub.ToolCall[]::new));
		}
		else {
			reply = ModelReply.text("Parent " + number + " combined (request " + n + "): " + waited.values()
				.stream()
				.map((task) -> task.path("id").asString() + " says «" + task.path("answer").asString("?") + "»")
				.collect(Collectors.joining("; ")));
		}
		return reply.model(request.model()).after(pause(20, 300));
	}

	private static Duration pause(int min, int max) {
		return Duration.ofMillis(ThreadLocalRandom.current().nextInt(min, max + 1));
	}

	// Kills

	/** Where a round's kill lands. */
	enum Moment {

		/** A parent's turn asking for {@code submit_task} calls is recorded and not every call has its result. */
		WHILE_A_SUBMIT_RUNS,
		/**
		 * A subtask exists whose {@code submit_task} call has no result recorded yet: the call made its task and has not
		 * said so. A call run again here without its key makes the subtask twice.
		 */
		ONCE_A_SUBTASK_IS_MADE,
		/** The process has a request at the model not yet answered. */
		WHILE_A_TURN_IS_PENDING,
		/** A parent is put aside, waiting for its subtasks. */
		WHILE_A_PARENT_WAITS,
		/** Half a second to two and a half after the process first called the model. */
		AT_RANDOM

	}

	/**
	 * Kills the process once the moment comes, watching the files (or the model's requests) without pausing, so the
	 * kill follows the look within a millisecond or so; at the patience's end it kills anyway.
	 * @return whether the moment was seen
	 */
	private boolean killAt(SpoolProcess spool, Moment moment, Random random) throws Exception {
		if (moment == Moment.AT_RANDOM) {
			Thread.sleep(500 + random.nextInt(2001));
			spool.kill();
			return true;
		}
		Thread.sleep(random.nextInt(400));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() - deadline < 0) {
			if (!spool.isAlive()) {
				throw new AssertionError(spool + " died by itself; its log:\n" + spool.logText());
			}
			boolean now = switch (moment) {
				case WHILE_A_SUBMIT_RUNS -> unansweredSubmits() > 0;
				case ONCE_A_SUBTASK_IS_MADE -> subtasksMadeUnrecorded() > 0;
				case WHILE_A_TURN_IS_PENDING -> this.model.inFlight(spool.name()) > 0;
				case WHILE_A_PARENT_WAITS -> taskNames().values()
					.stream()
					.anyMatch((names) -> names.stream().anyMatch((name) -> name.contains("_waiting_")));
				case AT_RANDOM -> true;
			};
			if (now) {
				spool.kill();
				return true;
			}
			Thread.onSpinWait();
		}
		spool.kill();
		return false;
	}

	/** {@code submit_task} calls recorded in the parents' conversations without a result. */
	private int unansweredSubmits() throws IOException {
		int count = 0;
		for (String parent : this.parents.keySet()) {
			Conversation conversation = conversation(parent);
			count += (int) conversation.calls("submit_task").stream()
				.filter((id) -> !conversation.results().containsKey(id))
				.count();
		}
		return count;
	}

	/**
	 * Subtasks made whose call has no result recorded: the tasks in {@code tasks/} beyond the parents and the
	 * subtasks the conversations' results name (only parents' calls make tasks). One listing and the conversations;
	 * no task file is read, so it can be asked without pause.
	 */
	private int subtasksMadeUnrecorded() throws IOException {
		// Listed first: a subtask made, then recorded between the two looks, must not count.
		int tasks = taskNames().size();
		int recorded = 0;
		for (String parent : this.parents.keySet()) {
			Conversation conversation = conversation(parent);
			recorded += (int) conversation.calls("submit_task").stream()
				.filter((id) -> conversation.results().containsKey(id))
				.count();
		}
		return tasks - this.parents.size() - recorded;
	}

	/** What the kill left: submits cut off, subtasks made whose call has no result yet, parents waiting. */
	private String afterKill() throws IOException {
		int unanswered = unansweredSubmits();
		int madeUnrecorded = subtasksMadeUnrecorded();
		return unanswered + " submit calls without a result, " + madeUnrecorded + " of them with their subtask made, "
				+ waitingParents() + " parents waiting, " + tasks().values().stream().filter((name) -> name.endsWith("_done.md"))
					.count() + " of " + tasks().size() + " tasks done";
	}

	private long waitingParents() throws IOException {
		return tasks().values().stream().filter((name) -> name.contains("_waiting_")).count();
	}

	// What must hold

	/**
	 * With no process running: every conversation parses, each subtask made so far comes from a recorded call of its
	 * parent's (no more subtasks than calls), and each key in .spool/calls/ names a task of its own.
	 */
	private void assertFilesWholeAfterAKill(SpoolProcess killed) throws IOException {
		for (String parent : this.parents.keySet()) {
			assertThat(children(parent)).as("the subtasks of " + parent + " after killing " + killed
					+ ": at most one per submit_task call recorded").hasSizeLessThanOrEqualTo(
							conversation(parent).calls("submit_task").size());
		}
		Map<String, String> keys = callKeys();
		assertThat(keys.values()).as("the tasks the keys in .spool/calls/ name, after killing " + killed)
			.doesNotHaveDuplicates();
	}

	private void assertParentAnsweredFromEachSubtaskOnce(String parent) throws IOException {
		Conversation conversation = conversation(parent);
		List<String> submits = conversation.calls("submit_task");
		Set<String> children = new TreeSet<>(children(parent));
		String about = parent + " (" + this.parents.get(parent) + "), whose conversation is\n" + conversation.text();
		assertThat(conversation.asked()).as("call ids in the tool_calls lists of " + about).doesNotHaveDuplicates();
		assertThat(conversation.resultLines()).as("results in the conversation of " + about).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(conversation.asked());
		assertThat(submits).as("submit_task calls of " + about).hasSizeBetween(2, 3);
		assertThat(children).as("the subtasks of " + about + ": one per submit_task call").hasSize(submits.size());
		Map<String, String> madeBy = new TreeMap<>();
		for (String call : submits) {
			madeBy.put(keyName(parent, call), JSON.readTree(conversation.results().get(call)).path("id").asString());
		}
		Map<String, String> keys = new TreeMap<>(callKeys());
		keys.keySet().removeIf((key) -> !key.startsWith(parent + "."));
		assertThat(keys).as("the keys in .spool/calls/ of " + about + ": one per submit_task call, naming the task"
				+ " its result names").isEqualTo(madeBy);
		assertThat(new TreeSet<>(madeBy.values())).as("the tasks the submit_task calls of " + about + " returned")
			.isEqualTo(children);

		String output = readOutput(parent);
		Set<String> named = TASK_ID.matcher(output).results().map(MatchResult::group).collect(Collectors.toSet());
		assertThat(new TreeSet<>(named)).as("the tasks the answer of " + about + " names").isEqualTo(children);
		for (String child : children) {
			assertThat(output).as("the answer of " + about).contains(child + " says «" + readOutput(child) + "»");
		}
		assertThat(this.model.exchangeThatAnswered(output)).as("the model's answer that is the output of " + parent)
			.isPresent();

		List<JsonNode> records = records(parent);
		assertThat(records.stream().map((record) -> record.path("outcome").asString()))
			.as("the attempt records of " + about).containsOnlyOnce("DONE").endsWith("DONE");
		for (JsonNode record : records) {
			if (record.path("outcome").asString().equals("WAITED")) {
				assertThat(TASK_ID.matcher(record.path("error").asString()).results().map(MatchResult::group))
					.as("the tasks a WAITED record of " + about + " names").isNotEmpty().isSubsetOf(children);
			}
		}
		for (List<String> waited : conversation.waits()) {
			assertThat(waited).as("a wait in the conversation of " + about).isNotEmpty().isSubsetOf(children);
		}
	}

	/**
	 * Every request about a parent sent after one of its turns was recorded carries that turn: the call ids the stub
	 * gave it name the request it answered, and no later request for the parent may leave it out.
	 */
	private void assertNoTurnLeftOutOfARequest() throws IOException {
		for (Map.Entry<String, String> parent : this.parents.entrySet()) {
			Conversation conversation = conversation(parent.getKey());
			List<ModelRequest> requests = this.model.requests()
				.stream()
				.filter((request) -> request.messagesFrom("user").get(0).text().strip().equals(parent.getValue()))
				.toList();
			assertThat(requests).as("requests for " + parent).isNotEmpty();
			for (String call : conversation.turnOpenings()) {
				Matcher id = CALL_ID.matcher(call);
				assertThat(id.matches()).as("a call id the stub gave: " + call).isTrue();
				int answered = Integer.parseInt(id.group(1));
				for (ModelRequest later : requests) {
					if (later.number() > answered) {
						assertThat(later.messagesFrom("assistant").stream().flatMap((turn) -> turn.toolCalls().stream())
							.map(ModelStub.ToolCall::id))
							.as("request " + later.number() + " for " + parent.getKey() + ", sent after the turn of "
									+ "request " + answered + " was recorded: the conversation resumed, not restarted")
							.contains(call);
					}
				}
			}
		}
	}

	private void awaitEveryTaskDone(SpoolProcess spool) {
		await("every task done with its answer (see " + this.folder.resolve("logs") + ")").atMost(PATIENCE)
			.pollInterval(Duration.ofMillis(100))
			.failFast(spool + " stopped on its own", () -> !spool.isAlive())
			.untilAsserted(() -> {
				Map<String, String> tasks = tasks();
				assertThat(tasks.keySet()).as("the parents").containsAll(this.parents.keySet());
				assertThat(tasks).as("tasks not done: none waiting, none in progress")
					.allSatisfy((id, name) -> assertThat(name).isEqualTo(id + "_done.md"));
				assertThat(tasks.keySet()).as("tasks with their answer")
					.allSatisfy((id) -> assertThat(this.workspace.resolve("outputs/" + id + "_result.md")).exists());
			});
		// A kill between an answer's link and its record leaves the record to the next process, which writes it from
		// the result's header once the result has gone a minute without it.
		await("every task's DONE record (see " + this.folder.resolve("logs") + ")").atMost(PATIENCE.plusMinutes(1))
			.pollInterval(Duration.ofMillis(100))
			.failFast(spool + " stopped on its own", () -> !spool.isAlive())
			.untilAsserted(() -> {
				Map<String, List<String>> outcomes = new TreeMap<>();
				for (String id : tasks().keySet()) {
					outcomes.put(id, records(id).stream().map((record) -> record.path("outcome").asString()).toList());
				}
				assertThat(outcomes).as("each task's records").allSatisfy((id, each) -> assertThat(each).contains("DONE"));
			});
	}

	// Files

	/**
	 * Writes parent tasks for the delegating agent, as the protocol says: under a dot-name, then renamed; with no
	 * process running, under ids above every task's and every reservation's, as Spool's own would be.
	 */
	private void addParents(int count) throws IOException {
		Path tasks = this.workspace.resolve("tasks");
		int last = highestId();
		for (int i = 0; i < count; i++) {
			int number = this.parents.size() + 1;
			String id = String.format("task_%03d", ++last);
			String prompt = "Parent " + number + ": gather the owl census from "
					+ ((number % 2 == 0) ? "two parts asked at once" : "one part, then two more") + ".";
			Path temporary = tasks.resolve("." + id + ".tmp");
			Files.writeString(temporary, "---\nrole: lead\n---\n" + prompt + "\n");
			Files.move(temporary, tasks.resolve(id + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);
			this.parents.put(id, prompt);
		}
	}

	private int highestId() throws IOException {
		int highest = 0;
		for (Path folder : List.of(this.workspace.resolve("tasks"), this.workspace.resolve(".spool/ids"))) {
			if (Files.isDirectory(folder)) {
				try (Stream<Path> files = Files.list(folder)) {
					for (Path file : files.toList()) {
						Matcher id = TASK_NUMBER.matcher(file.getFileName().toString());
						highest = id.matches() ? Math.max(highest, Integer.parseInt(id.group(1))) : highest;
					}
				}
			}
		}
		return highest;
	}

	/**
	 * Each task's file name, by id, with no process running: a task with more than one name fails the test. (A
	 * running process may move a file by a link and an unlink, so a listing then may see both names.)
	 */
	private Map<String, String> tasks() throws IOException {
		Map<String, String> names = new TreeMap<>();
		taskNames().forEach((id, both) -> {
			assertThat(both).as("the names of " + id).hasSize(1);
			names.put(id, both.get(0));
		});
		return names;
	}

	/** Each task's file names, by id, as one listing saw them. */
	private Map<String, List<String>> taskNames() throws IOException {
		Map<String, List<String>> names = new TreeMap<>();
		try (Stream<Path> files = Files.list(this.workspace.resolve("tasks"))) {
			for (String name : files.map((path) -> path.getFileName().toString()).sorted().toList()) {
				Matcher task = TASK_FILE.matcher(name);
				if (task.matches()) {
					names.computeIfAbsent(task.group(1), (id) -> new ArrayList<>()).add(name);
				}
			}
		}
		return names;
	}

	/** The tasks whose file names this parent ({@code parent:}). */
	private List<String> children(String parent) throws IOException {
		List<String> children = new ArrayList<>();
		for (Map.Entry<String, String> task : tasks().entrySet()) {
			try {
				TaskDocument document = TaskDocument
					.parse(Files.readString(this.workspace.resolve("tasks").resolve(task.getValue())));
				if (document.parent() != null && document.parent().text().equals(parent)) {
					children.add(task.getKey());
				}
			}
			catch (NoSuchFileException ex) {
				// Renamed since the listing, while a process runs: only counts taken with none running are asserted.
			}
		}
		return children;
	}

	/** The keys in {@code .spool/calls/} and the task each names. */
	private Map<String, String> callKeys() throws IOException {
		Map<String, String> keys = new TreeMap<>();
		Path calls = this.workspace.resolve(".spool/calls");
		if (!Files.isDirectory(calls)) {
			return keys;
		}
		try (Stream<Path> files = Files.list(calls)) {
			for (Path key : files.filter((path) -> !path.getFileName().toString().startsWith(".")).toList()) {
				String task = Files.readString(key).strip();
				assertThat(TaskId.parse(task)).as(key + " names a task").isPresent();
				keys.put(key.getFileName().toString(), task);
			}
		}
		return keys;
	}

	/** The name Spool gives the key of a call: the parent's id and the first half of the call id's SHA-256. */
	private static String keyName(String parent, String callId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(callId.getBytes(StandardCharsets.UTF_8));
			return parent + "." + HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Conversation conversation(String parent) throws IOException {
		Path file = this.workspace.resolve(".spool/conversations/" + parent + ".jsonl");
		try {
			return Conversation.parse(Files.readString(file));
		}
		catch (NoSuchFileException ex) {
			return Conversation.parse("");
		}
	}

	private String readOutput(String id) throws IOException {
		return ResultHeader.parse(Files.readString(this.workspace.resolve("outputs/" + id + "_result.md"))).text()
			.strip();
	}

	private List<JsonNode> records(String id) throws IOException {
		List<JsonNode> records = new ArrayList<>();
		Path folder = this.workspace.resolve(".spool/attempts");
		for (int number = 1; Files.exists(folder.resolve(id + "." + number + ".json")); number++) {
			records.add(JSON.readTree(Files.readAllBytes(folder.resolve(id + "." + number + ".json"))));
		}
		return records;
	}

	private SpoolProcess launch(String name) throws Exception {
		SpoolProcess process = SpoolProcess.launch(name, this.workspace, this.model, this.folder.resolve("logs"));
		this.processes.add(process);
		process.awaitStarted(STARTUP_PATIENCE);
		return process;
	}

	/**
	 * A conversation file as the test reads it: every line must be JSON.
	 *
	 * @param text the file
	 * @param lines its lines, parsed
	 */
	record Conversation(String text, List<JsonNode> lines) {

		static Conversation parse(String text) {
			List<JsonNode> lines = new ArrayList<>();
			for (String line : text.split("\n")) {
				if (!line.isEmpty()) {
					try {
						lines.add(JSON.readTree(line));
					}
					catch (RuntimeException ex) {
						throw new AssertionError("a conversation line that is not JSON: " + line + "\n" + text, ex);
					}
				}
			}
			return new Conversation(text, lines);
		}

		/** The ids of every call the model asked for, in order, repeats included. */
		List<String> asked() {
			return lines(("assistant")).flatMap((turn) -> turn.path("tool_calls").valueStream())
				.map((call) -> call.path("id").asString())
				.toList();
		}

		/** The ids of the calls of this tool the model asked for. */
		List<String> calls(String tool) {
			return lines("assistant").flatMap((turn) -> turn.path("tool_calls").valueStream())
				.filter((call) -> call.path("name").asString().equals(tool))
				.map((call) -> call.path("id").asString())
				.toList();
		}

		/** The id of each recorded turn's first call. */
		List<String> turnOpenings() {
			return lines("assistant").map((turn) -> turn.path("tool_calls").get(0).path("id").asString()).toList();
		}

		/** The ids the results answer, in order, repeats included. */
		List<String> resultLines() {
			return lines("tool").map((result) -> result.path("id").asString()).toList();
		}

		/** Each call's result, by call id. */
		Map<String, String> results() {
			Map<String, String> results = new LinkedHashMap<>();
			lines("tool").forEach((result) -> results.put(result.path("id").asString(), result.path("content").asString()));
			return results;
		}

		/** The tasks each wait line names. */
		List<List<String>> waits() {
			return lines("wait").map((wait) -> wait.path("for").valueStream().map(JsonNode::asString).toList()).toList();
		}

		private Stream<JsonNode> lines(String role) {
			return this.lines.stream().filter((line) -> line.path("role").asString().equals(role));
		}

	}

}
