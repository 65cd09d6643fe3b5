package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spool.fsync=true}, what an operation publishes survives a power cut once it returns: every name it
 * creates is flushed, then its folder is, once per operation and folder, and a staged answer is removed only after
 * its published link is flushed. Three changes are not flushed, for losing them costs nothing promised: a claim (a
 * lost one ends as if its agent had died; the commit's flush makes it last), the link of an answer into
 * {@code outputs/} (its staged copy lasts until a later, shared flush) and a {@code DONE} record (its result's header
 * holds all it says). A {@link RecordingDisk} notes the calls in order, and each folder's names as its
 * flush begins. Each test runs with the kernel's rename and with the fallback of linking and unlinking.
 */
class FlushOrderTests {

	private static final List<String> FOLDERS = List.of("tasks", "outputs", ".spool/ids", ".spool/attempts",
			".spool/staging");

	@TempDir
	Path root;

	private RecordingDisk disk;

	private WorkspaceLayout layout;

	private TaskIndex index;

	private TaskStore store;

	private void open(boolean linking) throws IOException {
		this.layout = new WorkspaceLayout(this.root);
		this.layout.createFolders();
		this.disk = new RecordingDisk(this.root);
		if (linking) {
			this.disk.linkInsteadOfRename();
		}
		AtomicFiles files = new AtomicFiles(true, this.disk);
		AttemptLog log = new AttemptLog(this.layout, files);
		this.index = new TaskIndex(this.layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		this.store = new TaskStore(this.layout, files, log, this.index, Clock.systemUTC(), 1 << 20, 3);
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void creatingFlushesTheReservationAndTheTaskFile(boolean linking) throws IOException {
		open(linking);

		List<String> calls = flushedOncePerFolder(() -> this.store.create(NewTask.of("q")));

		assertThat(calls).containsExactly("create .spool/ids/task_001", "sync .spool/ids",
				"write tasks/.task_001_pending.md.*.tmp", "force tasks/.task_001_pending.md.*.tmp",
				"link tasks/task_001_pending.md", "sync tasks");
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void claimingFlushesNothing(boolean linking) throws IOException {
		open(linking);
		Task task = this.store.create(NewTask.of("q"));
		this.disk.forget();

		this.store.claim(task, "agent_a").orElseThrow();

		assertThat(this.disk.calls()).as("a claim a power cut takes back ends as if its agent had died")
			.containsExactlyElementsOf(linking
					? List.of("link tasks/task_001_inprogress_agent_a.md", "delete tasks/task_001_pending.md")
					: List.of("rename tasks/task_001_inprogress_agent_a.md"));
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void completingFlushesTheStagedAnswerThenTheCommitWhichMakesTheClaimLastToo(boolean linking) throws IOException {
		open(linking);
		Task task = this.store.create(NewTask.of("q"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();

		List<String> calls = flushedOncePerFolder(
				() -> assertThat(this.store.complete(claim, new Answer("a", "m", false, null))).isTrue(),
				"outputs", ".spool/attempts");

		assertThat(calls).containsSubsequence("force .spool/staging/.task_001.agent_a.*.md.*.tmp",
				"link .spool/staging/task_001.agent_a.*.md", "sync .spool/staging",
				linking ? "link tasks/task_001_done.md" : "rename tasks/task_001_done.md", "sync tasks",
				"link outputs/task_001_result.md", "link .spool/attempts/task_001.1.json");
		assertThat(this.disk.syncs()).filteredOn((sync) -> sync.folder().equals("tasks"))
			.singleElement()
			.satisfies((sync) -> assertThat(sync.names()).as("the claim, flushed with the commit")
				.contains("task_001_done.md")
				.doesNotContain("task_001_pending.md", "task_001_inprogress_agent_a.md"));
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void theStagedCopyOfAnAnswerIsRemovedOnlyAfterAFlushOfItsLinkInOutputs(boolean linking) throws IOException {
		open(linking);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();
		this.store.complete(claim, new Answer("a", "m", false, null));
		Claim second = this.store.claim(this.store.create(NewTask.of("q2")), "agent_a").orElseThrow();
		this.store.complete(second, new Answer("b", "m", false, null));
		assertThat(this.disk.calls()).as("not flushed by the agent that linked it")
			.doesNotContain("sync outputs")
			.noneMatch((call) -> call.startsWith("delete .spool/staging/"));
		assertThat(this.layout.staging()).as("the staged copies, which last").isNotEmptyDirectory();
		this.disk.forget();

		this.store.settlePublished();

		assertThat(this.disk.calls()).as("one flush for both").containsExactly("sync outputs",
				"delete .spool/staging/task_001.agent_a.*.md", "delete .spool/staging/task_002.agent_a.*.md");
		assertThat(this.disk.syncs()).singleElement()
			.satisfies((sync) -> assertThat(sync.names()).contains("task_001_result.md", "task_002_result.md"));
		assertThat(this.layout.staging()).isEmptyDirectory();
		assertThat(this.store.readOutput(claim.id())).hasValue("a");
	}

	@Test
	void aDoneRecordIsNotFlushedForItsResultHeaderHoldsAllItSays() throws IOException {
		open(false);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();
		this.disk.forget();

		this.store.complete(claim, new Answer("a", "gpt-test", false, new TokenUsage(12, 5, 17)));

		assertThat(this.disk.calls()).contains("write .spool/attempts/.task_001.1.json.*.tmp",
				"link .spool/attempts/task_001.1.json")
			.doesNotContain("force .spool/attempts/.task_001.1.json.*.tmp", "sync .spool/attempts");
		ResultHeader header = ResultHeader.parse(Files.readString(this.layout.output(claim.id()))).header();
		Attempt record = this.index.find(claim.id()).orElseThrow().lastDone();
		assertThat(header.model()).isEqualTo(record.model()).isEqualTo("gpt-test");
		assertThat(header.offline()).isEqualTo(record.offline()).isFalse();
		assertThat(header.tokens().usage()).isEqualTo(record.tokens());
		assertThat(header.recorded()).isTrue();
	}

	@Test
	void aDoneRecordOfAnAnswerToReviewIsFlushed() throws IOException {
		open(false);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();
		this.disk.forget();

		this.store.complete(claim, new Answer("a", "m", false, null), true);

		assertThat(this.disk.calls()).containsSubsequence("force .spool/attempts/.task_001.1.json.*.tmp",
				"link .spool/attempts/task_001.1.json", "sync .spool/attempts");
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void failingFlushesTheTaskFolderAndTheAttemptRecord(boolean linking) throws IOException {
		open(linking);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();

		List<String> calls = flushedOncePerFolder(
				() -> assertThat(this.store.fail(claim, "no answer")).hasValue(TaskState.PENDING));

		assertThat(calls).containsSubsequence("sync tasks", "link .spool/attempts/task_001.1.json",
				"sync .spool/attempts");
	}

	@Test
	void completingMakesTheseCallsInThisOrder() throws IOException {
		open(false);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();
		this.disk.forget();

		this.store.complete(claim, new Answer("a", "m", false, null));

		assertThat(this.disk.calls()).containsExactly("write .spool/staging/.task_001.agent_a.*.md.*.tmp",
				"force .spool/staging/.task_001.agent_a.*.md.*.tmp", "link .spool/staging/task_001.agent_a.*.md",
				"sync .spool/staging", "rename tasks/task_001_done.md", "sync tasks",
				"link outputs/task_001_result.md", "write .spool/attempts/.task_001.1.json.*.tmp",
				"link .spool/attempts/task_001.1.json");

		this.store.settlePublished();

		assertThat(after("link .spool/attempts/task_001.1.json", this.disk.calls())).containsExactly("sync outputs",
				"delete .spool/staging/task_001.agent_a.*.md");
	}

	/**
	 * Runs an operation and checks that every name it created, but in the folders it leaves unflushed, was in its
	 * folder when a later flush of that folder began, and that it flushed only folders that got a name, each once.
	 * @return the calls it made
	 */
	private List<String> flushedOncePerFolder(Operation operation, String... unflushed) throws IOException {
		Map<String, Set<String>> before = names();
		this.disk.forget();

		operation.run();

		List<String> calls = this.disk.calls();
		List<RecordingDisk.Sync> syncs = this.disk.syncs();
		Map<String, List<String>> created = new TreeMap<>();
		Map<String, List<String>> made = new TreeMap<>();
		for (int i = 0; i < calls.size(); i++) {
			String call = calls.get(i);
			if (call.startsWith("link ") || call.startsWith("rename ") || call.startsWith("create ")) {
				String path = call.substring(call.indexOf(' ') + 1);
				String folder = path.substring(0, path.lastIndexOf('/'));
				String name = path.substring(path.lastIndexOf('/') + 1);
				made.computeIfAbsent(folder, (key) -> new ArrayList<>()).add(name);
				if (List.of(unflushed).contains(folder)) {
					assertThat(syncs).as("flushes of %s, which this operation leaves unflushed", folder)
						.noneMatch((sync) -> sync.folder().equals(folder));
					continue;
				}
				created.computeIfAbsent(folder, (key) -> new ArrayList<>()).add(name);
				int at = i;
				assertThat(syncs).as("flushes of %s after %s", folder, call)
					.anySatisfy((sync) -> {
						assertThat(sync.folder()).isEqualTo(folder);
						assertThat(sync.call()).isGreaterThan(at);
						assertThat(sync.names()).anyMatch((listed) -> matches(listed, name));
					});
			}
		}
		assertThat(syncs.stream().map(RecordingDisk.Sync::folder)).as("folders flushed, each once")
			.containsExactlyInAnyOrderElementsOf(created.keySet());
		Map<String, Set<String>> after = names();
		for (String folder : FOLDERS) {
			Set<String> added = new TreeSet<>(after.get(folder));
			added.removeAll(before.get(folder));
			assertThat(added).as("names that appeared in %s, all made through the disk", folder)
				.allMatch((name) -> made.getOrDefault(folder, List.of())
					.stream()
					.anyMatch((noted) -> matches(name, noted)));
		}
		return calls;
	}

	private static List<String> after(String call, List<String> calls) {
		return calls.subList(calls.indexOf(call) + 1, calls.size());
	}

	/** Whether a name matches a noted one, whose unique parts are {@code *}. */
	private static boolean matches(String name, String noted) {
		return name.matches(Pattern.quote(noted).replace("*", "\\E.*\\Q"));
	}

	private Map<String, Set<String>> names() throws IOException {
		Map<String, Set<String>> names = new HashMap<>();
		for (String folder : FOLDERS) {
			try (Stream<Path> listed = Files.list(this.root.resolve(folder))) {
				names.put(folder, listed.map((path) -> path.getFileName().toString())
					.filter((name) -> !name.endsWith(".tmp"))
					.collect(Collectors.toSet()));
			}
		}
		return names;
	}

	/** An operation of the store. */
	@FunctionalInterface
	interface Operation {

		void run() throws IOException;

	}

}
