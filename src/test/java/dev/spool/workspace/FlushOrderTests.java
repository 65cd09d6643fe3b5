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
 * its published link is flushed. A {@link RecordingDisk} notes the calls in order, and each folder's names as its
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
	void claimingFlushesTheTaskFolder(boolean linking) throws IOException {
		open(linking);
		Task task = this.store.create(NewTask.of("q"));

		List<String> calls = flushedOncePerFolder(() -> this.store.claim(task, "agent_a").orElseThrow());

		assertThat(calls).endsWith("sync tasks").hasSize(linking ? 3 : 2);
	}

	@ParameterizedTest(name = "link and unlink: {0}")
	@ValueSource(booleans = { false, true })
	void completingFlushesTheOutputBeforeItsStagedCopyIsRemoved(boolean linking) throws IOException {
		open(linking);
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();

		List<String> calls = flushedOncePerFolder(
				() -> assertThat(this.store.complete(claim, new Answer("a", "m", false, null))).isTrue());

		assertThat(calls).containsSubsequence("link .spool/staging/task_001.agent_a.*.md", "sync .spool/staging",
				"sync tasks", "link outputs/task_001_result.md", "sync outputs",
				"delete .spool/staging/task_001.agent_a.*.md", "link .spool/attempts/task_001.1.json",
				"sync .spool/attempts");
		assertThat(after("sync outputs", calls)).as("the staged copy's removal is not flushed: if it comes back, a spare")
			.doesNotContain("sync .spool/staging");
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
				"link outputs/task_001_result.md", "sync outputs", "delete .spool/staging/task_001.agent_a.*.md",
				"write .spool/attempts/.task_001.1.json.*.tmp", "force .spool/attempts/.task_001.1.json.*.tmp",
				"link .spool/attempts/task_001.1.json", "sync .spool/attempts");
	}

	/**
	 * Runs an operation and checks that every name it created was in its folder when a later flush of that folder
	 * began, and that it flushed only folders that got a name, each once.
	 * @return the calls it made
	 */
	private List<String> flushedOncePerFolder(Operation operation) throws IOException {
		Map<String, Set<String>> before = names();
		this.disk.forget();

		operation.run();

		List<String> calls = this.disk.calls();
		List<RecordingDisk.Sync> syncs = this.disk.syncs();
		Map<String, List<String>> created = new TreeMap<>();
		for (int i = 0; i < calls.size(); i++) {
			String call = calls.get(i);
			if (call.startsWith("link ") || call.startsWith("rename ") || call.startsWith("create ")) {
				String path = call.substring(call.indexOf(' ') + 1);
				String folder = path.substring(0, path.lastIndexOf('/'));
				String name = path.substring(path.lastIndexOf('/') + 1);
				int at = i;
				assertThat(syncs).as("flushes of %s after %s", folder, call)
					.anySatisfy((sync) -> {
						assertThat(sync.folder()).isEqualTo(folder);
						assertThat(sync.call()).isGreaterThan(at);
						assertThat(sync.names()).anyMatch((listed) -> matches(listed, name));
					});
				created.computeIfAbsent(folder, (key) -> new ArrayList<>()).add(name);
			}
		}
		assertThat(syncs.stream().map(RecordingDisk.Sync::folder)).as("folders flushed, each once")
			.containsExactlyInAnyOrderElementsOf(created.keySet());
		Map<String, Set<String>> after = names();
		for (String folder : FOLDERS) {
			Set<String> added = new TreeSet<>(after.get(folder));
			added.removeAll(before.get(folder));
			assertThat(added).as("names that appeared in %s, all made through the disk", folder)
				.allMatch((name) -> created.getOrDefault(folder, List.of())
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
