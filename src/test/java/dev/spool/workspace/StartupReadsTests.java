package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.spool.MutableClock;
import dev.spool.watch.WorkspaceWatcher;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starting on a workspace reads each task file, result and attempt record once, whether the watcher then resyncs or
 * not, and a resync reads again only the task files whose size or modification time changed.
 */
class StartupReadsTests {

	private static final Workspace.Settings SETTINGS = new Workspace.Settings(false, 1 << 20, 3);

	private static final int TASKS = 30;

	/** Enough tasks that a listing reads them on several threads. */
	private static final int MANY = 1_200;

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void startingReadsEveryFileOnce() throws IOException {
		int records = writeWorkspace();
		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		WorkspaceWatcher watcher = new WorkspaceWatcher(workspace, Duration.ofHours(1), false, (event) -> {
		});
		watcher.start();
		try {
			TaskReader.Reads reads = workspace.index().reads();
			assertThat(workspace.index().size()).isEqualTo(TASKS);
			assertThat(reads.documents).as("task files read").hasValue(TASKS);
			assertThat(reads.results).as("results read: those whose records do not tell").hasValue(unrecorded(TASKS));
			assertThat(reads.records).as("attempt records read").hasValue(records);
			assertThat(reads.recordsMissing).as("records looked for in vain: the listing counted them").hasValue(0);
			assertThat(workspace.index().find(TaskId.of(2)).orElseThrow().history()).hasSize(1);
			assertThat(workspace.index().find(TaskId.of(2)).orElseThrow().owner()).isEqualTo("agent_b")
				.as("one copy of an agent's name for all its tasks")
				.isSameAs(workspace.index().find(TaskId.of(6)).orElseThrow().owner());
			assertThat(workspace.index().find(TaskId.of(4)).orElseThrow().owner()).as("told by its result")
				.isEqualTo("agent_b");
			assertThat(workspace.index().find(TaskId.of(4)).orElseThrow().completedAt()).as("told by its result")
				.isEqualTo(Instant.parse("2026-11-28T09:00:01Z"));
		}
		finally {
			watcher.stop();
			workspace.close();
		}
	}

	@Test
	void namesThatOnlyLookLikeResultsOrRecordsAreNeitherCountedNorRead() throws IOException {
		int records = writeWorkspace();
		// Task 2 is done without its result: a name cut where "_result.md" would end gives its id.
		Files.delete(this.root.resolve("outputs/task_002_result.md"));
		for (String name : List.of("task_002_result.mx", "task_001_result.md.partial", "task_001_result.txt",
				".task_001_result.md.tmp", "task_001_result", "task_x_result.md", "notes_result.md")) {
			Files.writeString(this.root.resolve("outputs").resolve(name), "not a result\n");
		}
		for (String name : List.of("task_001.1.json.tmp", ".task_001.1.json", "task_001.json", "task_001.x.json",
				"task_001.0.json", "notes.1.json", "task_x.1.json")) {
			Files.writeString(this.root.resolve(".spool/attempts").resolve(name), "{}");
		}
		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		try {
			TaskReader.Reads reads = workspace.index().reads();
			Task first = workspace.index().find(TaskId.of(1)).orElseThrow();
			assertThat(first.hasOutput()).isFalse();
			assertThat(first.history()).isEmpty();
			assertThat(workspace.index().find(TaskId.of(2)).orElseThrow().hasOutput()).isFalse();
			assertThat(reads.results).as("results read").hasValue(unrecorded(TASKS));
			assertThat(reads.records).as("attempt records read").hasValue(records);
			assertThat(reads.recordsMissing).as("records looked for in vain").hasValue(0);
		}
		finally {
			workspace.close();
		}
	}

	@Test
	void aResyncReadsOnlyTheFilesThatChanged() throws IOException {
		writeWorkspace();
		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		TaskReader.Reads reads = workspace.index().reads();
		long before = reads.documents.get();
		Path edited = this.root.resolve("tasks/task_003_pending.md");
		FileTime time = Files.getLastModifiedTime(edited);
		// Same size, new time: an edit that a size check alone would miss.
		Files.writeString(edited, Files.readString(edited).replace("Task 3.", "Tusk 3."));
		Files.setLastModifiedTime(edited, FileTime.from(time.toInstant().plusSeconds(5)));

		workspace.index().resync();

		assertThat(reads.documents.get() - before).as("task files read again").isEqualTo(1);
		assertThat(workspace.index().find(TaskId.of(3)).orElseThrow().summary()).isEqualTo("Tusk 3.");
		workspace.close();
	}

	@Test
	void aTaskReadAgainReadsOnlyTheRecordsWrittenSince() throws IOException {
		writeWorkspace();
		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		TaskReader.Reads reads = workspace.index().reads();
		TaskId id = TaskId.of(2);
		long before = reads.records.get();

		workspace.index().refresh(id);
		assertThat(reads.records.get() - before).as("records read again").isZero();

		Instant at = Instant.parse("2026-11-28T10:00:00Z");
		Files.write(this.root.resolve(".spool/attempts/" + id + ".2.json"), WorkspaceJson.MAPPER.writeValueAsBytes(
				new Attempt(7, Attempt.Outcome.CANCELLED, "person", at, at, null, null, false, null)));
		workspace.index().refresh(id);

		assertThat(reads.records.get() - before).as("records read").isEqualTo(1);
		assertThat(workspace.index().find(id).orElseThrow().history()).extracting(Attempt::number)
			.as("numbered by their files").containsExactly(1, 2);
		workspace.close();
	}

	@Test
	void manyTasksAreReadOnReadersOfTheirOwnEachOnce() throws IOException {
		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		try {
			Set<String> readers = ConcurrentHashMap.newKeySet();
			workspace.index().beforeReading((path) -> readers.add(Thread.currentThread().getName()));
			int records = writeWorkspace(MANY);
			TaskReader.Reads reads = workspace.index().reads();

			workspace.index().rescan();

			assertThat(workspace.index().size()).isEqualTo(MANY);
			assertThat(reads.documents).as("task files read").hasValue(MANY);
			assertThat(reads.results).as("results read").hasValue(unrecorded(MANY));
			assertThat(reads.records).as("attempt records read").hasValue(records);
			assertThat(readers).as("the threads that read, numbered from 1").isNotEmpty()
				.allMatch((name) -> name.matches("spool-read-[1-9][0-9]*"));
			for (int n = 1; n <= MANY; n++) {
				Task task = workspace.index().find(TaskId.of(n)).orElseThrow();
				assertThat(task.summary()).isEqualTo("Task " + n + ".");
				assertThat(task.hasOutput()).as(task.id() + " has an output").isEqualTo(n % 2 == 0);
				assertThat(task.owner()).isEqualTo((n % 2 == 0) ? "agent_b" : null);
			}
		}
		finally {
			workspace.close();
		}
		// Idle, they would wait a minute for more: the readers end once the reading is done.
		Awaitility.await("no reader left once read")
			.atMost(Duration.ofSeconds(10))
			.until(() -> Thread.getAllStackTraces().keySet().stream()
				.noneMatch((thread) -> thread.getName().startsWith("spool-read-")));
	}

	@Test
	void aDoneTasksOutputCountsOnlyWhenItIsAFileAndItsHeaderOnlyWhenItHasOne() throws Exception {
		writeWorkspace();
		Instant at = Instant.parse("2026-11-28T09:00:00Z");
		Path outputs = this.root.resolve("outputs");
		// Tasks 2 and 4: a link to a result whose header names another agent; 6 and 8: a pipe no writer opens; the
		// first of each looked at only (its DONE record tells), the second opened for its header (it was approved
		// after a review). Task 10: a result without a header (an outside agent's), its record telling who finished.
		Path elsewhere = Files.writeString(this.root.resolve("elsewhere.md"),
				new ResultHeader("agent_x", at, at.plusSeconds(1)).prepend("Not this task's.\n"));
		for (String id : List.of("task_002", "task_004")) {
			Files.delete(outputs.resolve(id + "_result.md"));
			Files.createSymbolicLink(outputs.resolve(id + "_result.md"), elsewhere);
		}
		for (String id : List.of("task_006", "task_008")) {
			Files.delete(outputs.resolve(id + "_result.md"));
			assertThat(new ProcessBuilder("mkfifo", outputs.resolve(id + "_result.md").toString()).start().waitFor())
				.isZero();
		}
		Files.writeString(outputs.resolve("task_010_result.md"), "Written by hand.\n");

		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		try {
			for (int n : List.of(2, 4)) {
				Task linked = workspace.index().find(TaskId.of(n)).orElseThrow();
				assertThat(linked.hasOutput()).as("a link is no output").isFalse();
				assertThat(linked.owner()).as("told by its record, not the linked header").isEqualTo("agent_b");
			}
			for (int n : List.of(6, 8)) {
				assertThat(workspace.index().find(TaskId.of(n)).orElseThrow().hasOutput()).as("a pipe is no output")
					.isFalse();
			}
			assertThat(workspace.index().reads().results).as("results opened: tasks 4 and 8 of those, and 12, 16, ...")
				.hasValue(unrecorded(TASKS));
			Task byHand = workspace.index().find(TaskId.of(10)).orElseThrow();
			assertThat(byHand.hasOutput()).isTrue();
			assertThat(byHand.owner()).isEqualTo("agent_b");
			assertThat(byHand.completedAt()).as("from its record").isEqualTo(at.plusSeconds(1));
		}
		finally {
			workspace.close();
		}
	}

	/**
	 * A done task's result is read for its header only when its last record is not the DONE record of that result:
	 * no record yet, another's result kept in place of the agent's answer, or a person's decision after the answer.
	 */
	@Test
	void aDoneTasksResultIsReadOnlyWhenItsLastRecordIsNotItsDoneRecord() throws IOException {
		Instant at = Instant.parse("2026-11-28T09:00:00Z");
		Attempt done = new Attempt(1, Attempt.Outcome.DONE, "agent_a", at, at.plusSeconds(1), null, "m", false, null);
		// 1: its record last, and a header someone rewrote since (the record tells); 2: a cut-short attempt's record
		// after it, which tells nothing; 3: another's result kept in place of the agent's answer; 4: approved after a
		// review; 5: no record yet.
		writeDone(1, "forger", at.plusSeconds(9), done);
		writeDone(2, "agent_a", at.plusSeconds(1), done, new Attempt(2, Attempt.Outcome.CUT_SHORT, "agent_c",
				at.plusSeconds(2), at.plusSeconds(3), null, null, null, null));
		writeDone(3, "outside", at.plusSeconds(5), done.asUnpublished());
		writeDone(4, "agent_h", at.plusSeconds(6), new Attempt(1, Attempt.Outcome.DONE, "agent_h", at,
				at.plusSeconds(6), null, null, null, null, null, null, null, true, null),
				Attempt.decision(Attempt.Outcome.APPROVED, "ann", at.plusSeconds(7), null).withNumber(2));
		writeDone(5, "agent_e", at.plusSeconds(8));

		Workspace workspace = Workspace.open(this.root, SETTINGS, this.clock, (change) -> {
		});
		try {
			assertThat(workspace.index().reads().results).as("results read: tasks 3, 4 and 5").hasValue(3);
			List<Task> tasks = List.of(1, 2, 3, 4, 5)
				.stream()
				.map((n) -> workspace.index().find(TaskId.of(n)).orElseThrow())
				.toList();
			assertThat(tasks).allMatch(Task::hasOutput);
			assertThat(tasks).extracting(Task::owner)
				.containsExactly("agent_a", "agent_a", "outside", "agent_h", "agent_e");
			assertThat(tasks).extracting(Task::completedAt)
				.containsExactly(at.plusSeconds(1), at.plusSeconds(1), at.plusSeconds(5), at.plusSeconds(6),
						at.plusSeconds(8));
		}
		finally {
			workspace.close();
		}
	}

	/** A done task whose result's header names this agent and time, with these records. */
	private void writeDone(int n, String agent, Instant finished, Attempt... records) throws IOException {
		TaskId id = TaskId.of(n);
		Files.createDirectories(this.root.resolve("tasks"));
		Files.createDirectories(this.root.resolve("outputs"));
		Files.createDirectories(this.root.resolve(".spool/attempts"));
		Files.writeString(this.root.resolve("tasks/" + id + "_done.md"), "Task " + n + ".\n");
		Files.writeString(this.root.resolve("outputs/" + id + "_result.md"),
				new ResultHeader(agent, finished.minusSeconds(1), finished).prepend("Answer " + n + ".\n"));
		for (Attempt record : records) {
			Files.write(this.root.resolve(".spool/attempts/" + id + "." + record.number() + ".json"),
					WorkspaceJson.MAPPER.writeValueAsBytes(record));
		}
	}

	private int writeWorkspace() throws IOException {
		return writeWorkspace(TASKS);
	}

	/**
	 * Half the tasks pending, half done with a result and its DONE record, which is the last record of every other
	 * one (2, 6, 10, ...); the others (4, 8, ...) were approved after a review. Returns the number of records.
	 */
	private int writeWorkspace(int tasks) throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		Files.createDirectories(this.root.resolve("outputs"));
		Files.createDirectories(this.root.resolve(".spool/attempts"));
		int records = 0;
		Instant at = Instant.parse("2026-11-28T09:00:00Z");
		for (int n = 1; n <= tasks; n++) {
			TaskId id = TaskId.of(n);
			boolean done = n % 2 == 0;
			Files.writeString(this.root.resolve("tasks/" + id + (done ? "_done.md" : "_pending.md")),
					"---\ntitle: \"task " + n + "\"\n---\n\nTask " + n + ".\n");
			if (done) {
				Files.writeString(this.root.resolve("outputs/" + id + "_result.md"),
						new ResultHeader("agent_b", at, at.plusSeconds(1)).prepend("Answer " + n + ".\n"));
			}
			if (done) {
				boolean reviewed = n % 4 == 0;
				List<Attempt> history = new ArrayList<>(List.of(new Attempt(1, Attempt.Outcome.DONE, "agent_b", at,
						at.plusSeconds(1), null, "m", false, null, null, null, null, reviewed, null)));
				if (reviewed) {
					history.add(Attempt.decision(Attempt.Outcome.APPROVED, "ann", at.plusSeconds(2), null).withNumber(2));
				}
				for (Attempt attempt : history) {
					Files.write(this.root.resolve(".spool/attempts/" + id + "." + attempt.number() + ".json"),
							WorkspaceJson.MAPPER.writeValueAsBytes(attempt));
					records++;
				}
			}
		}
		return records;
	}

	/** The done tasks of {@link #writeWorkspace(int)} approved after their DONE record, whose results a start reads. */
	private static int unrecorded(int tasks) {
		return tasks / 4;
	}

}
