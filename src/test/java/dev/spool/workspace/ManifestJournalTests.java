package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.manifest.ManifestReader;
import dev.spool.manifest.ManifestWriter;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The manifest is a snapshot plus a journal of changes: readers apply the journal only to the snapshot it belongs
 * to, ignore a line cut off by a crash and take an id's last line; writers append what changed, so the bytes they
 * write grow with the number of transitions, and converge on the files when another process replaced the journal
 * under them. The tests note changes and write them themselves: a write the writer scheduled would run at a moment
 * of its own, between a test's steps.
 */
class ManifestJournalTests {

	@TempDir
	Path root;

	private final List<ManifestWriter> writers = new ArrayList<>();

	@AfterEach
	void stopWriting() {
		// A write each request scheduled must be over before the folder is removed.
		this.writers.forEach(ManifestWriter::close);
	}

	@Test
	void theLastLineForAnIdWinsARemovedLineDropsItAndAPartialLastLineIsIgnored() throws IOException {
		snapshot("g1", "{\"id\":\"task_001\",\"status\":\"pending\"}", "{\"id\":\"task_002\",\"status\":\"pending\"}");
		journal("{\"generation\":\"g1\"}\n" + "{\"id\":\"task_001\",\"status\":\"in_progress\"}\n"
				+ "{\"id\":\"task_003\",\"status\":\"pending\"}\n" + "{\"id\":\"task_001\",\"status\":\"done\"}\n"
				+ "{\"id\":\"task_002\",\"removed\":true}\n" + "{\"id\":\"task_003\",\"status\":\"do");

		assertThat(statuses()).containsExactly(Map.entry("task_001", "done"), Map.entry("task_003", "pending"));
	}

	@Test
	void aJournalOfAnotherGenerationIsIgnored() throws IOException {
		snapshot("g2", "{\"id\":\"task_001\",\"status\":\"done\"}");
		journal("{\"generation\":\"g1\"}\n{\"id\":\"task_001\",\"status\":\"pending\"}\n");

		assertThat(statuses()).containsExactly(Map.entry("task_001", "done"));
	}

	@Test
	void aLineGluedToOneACrashCutOffIsSkippedAndTheLinesAfterItCount() throws IOException {
		snapshot("g1");
		journal("{\"generation\":\"g1\"}\n{\"id\":\"task_001\",\"sta" + "{\"id\":\"task_002\",\"status\":\"done\"}\n"
				+ "{\"id\":\"task_003\",\"status\":\"done\"}\n");

		assertThat(statuses()).containsExactly(Map.entry("task_003", "done"));
	}

	@Test
	void bytesWrittenToTheManifestGrowLinearlyWithTransitions() throws IOException {
		long few = manifestBytesFor(40);
		long many = manifestBytesFor(160);

		// A whole rewrite per change would make this about 16.
		assertThat((double) many / few).as("bytes for 4x the transitions (%d, then %d)", few, many).isBetween(3.0, 6.0);
	}

	@Test
	void aWriterStartsOnANewLineAfterAnAppendACrashCutShort() throws IOException {
		Opened spool = open(this.root, new CountingDisk());
		Task task = spool.store.create(NewTask.of("q"));
		Files.writeString(new WorkspaceLayout(this.root).manifestJournal(), "{\"id\":\"task_009\",\"st",
				StandardOpenOption.APPEND);

		spool.manifest.noteChange(task.id());
		spool.manifest.writeChanges();

		assertThat(statuses()).containsEntry(task.id().text(), "pending").doesNotContainKey("task_009");
	}

	@Test
	void aWriterWhoseJournalWasReplacedByAnotherProcessConvergesOnItsNextCheck() throws IOException {
		Opened first = open(this.root, new CountingDisk());
		Opened second = open(this.root, new CountingDisk());
		Task task = first.store.create(NewTask.of("q"));
		first.manifest.noteChange(task.id());
		first.manifest.writeChanges();
		// The second process, whose index has not seen the task yet, writes a snapshot and a new journal.
		second.manifest.write();
		assertThat(statuses()).doesNotContainKey(task.id().text());

		first.manifest.noteEverything();
		first.manifest.writeChanges();

		assertThat(statuses()).containsEntry(task.id().text(), "pending");
	}

	@Test
	void aSnapshotWithoutItsJournalIsReadAloneAndTheNextWriterStartsAFreshJournal() throws IOException {
		Opened spool = open(this.root, new CountingDisk());
		Task task = spool.store.create(NewTask.of("q"));
		spool.manifest.noteChange(task.id());
		spool.manifest.writeChanges();
		// A crash between a compaction's two replaces: a new snapshot, the old journal.
		journal("{\"generation\":\"lost\"}\n{\"id\":\"" + task.id().text() + "\",\"status\":\"failed\"}\n");
		assertThat(statuses()).doesNotContainKey(task.id().text());

		spool.store.claim(spool.index.find(task.id()).orElseThrow(), "agent_a").orElseThrow();
		spool.manifest.noteChange(task.id());
		spool.manifest.writeChanges();

		assertThat(statuses()).containsEntry(task.id().text(), "inprogress");
		assertThat(ManifestReader.generation(Files.readAllBytes(this.root.resolve("manifest.journal"))))
			.isEqualTo(ManifestReader.generation(Files.readAllBytes(this.root.resolve("manifest.json"))));
	}

	@Test
	void closingLeavesAWholeSnapshotAndAnEmptyJournal() throws IOException {
		Opened spool = open(this.root, new CountingDisk());
		for (int i = 0; i < 3; i++) {
			Task task = spool.store.create(NewTask.of("q" + i));
			spool.manifest.noteChange(task.id());
			spool.manifest.writeChanges();
		}
		assertThat(Files.readAllLines(this.root.resolve("manifest.journal"))).hasSizeGreaterThan(1);

		spool.manifest.close();

		assertThat(Files.readAllLines(this.root.resolve("manifest.journal"))).hasSize(1);
		assertThat(WorkspaceJson.MAPPER.readTree(this.root.resolve("manifest.json").toFile()).path("tasks"))
			.hasSize(3);
	}

	@Test
	void onceTheWorkspaceIsQuietTheSnapshotAloneSaysWhatTheFilesSay() throws IOException {
		Opened spool = open(this.root, new CountingDisk(), 1L << 30);
		Task task = spool.store.create(NewTask.of("q"));
		spool.manifest.requestWrite(task.id());
		spool.store.claim(spool.index.find(task.id()).orElseThrow(), "agent_a").orElseThrow();
		spool.manifest.requestWrite(task.id());

		// Written first to the journal, then folded into a snapshot once nothing changed for a while.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(Files.readAllLines(this.root.resolve("manifest.journal"))).hasSize(1);
			assertThat(snapshotStatuses()).containsExactly(Map.entry(task.id().text(), "inprogress"));
		});
		assertThat(statuses()).containsExactly(Map.entry(task.id().text(), "inprogress"));
	}

	@Test
	void aSnapshotTooCostlyToWriteLeavesTheJournalToSayWhatChanged() throws IOException {
		Opened costly = open(this.root, new CountingDisk(), 0);
		Task task = costly.store.create(NewTask.of("q"));
		costly.manifest.noteChange(task.id());
		costly.manifest.writeChanges();

		costly.manifest.foldIfCheap();

		assertThat(Files.readAllLines(this.root.resolve("manifest.journal"))).hasSize(2);
		assertThat(snapshotStatuses()).isEmpty();
		assertThat(statuses()).containsExactly(Map.entry(task.id().text(), "pending"));
	}

	/** What manifest.json says without its journal. */
	private Map<String, String> snapshotStatuses() throws IOException {
		Map<String, String> statuses = new HashMap<>();
		for (JsonNode entry : WorkspaceJson.MAPPER.readTree(this.root.resolve("manifest.json").toFile()).path("tasks")) {
			statuses.put(entry.path("id").asString(), entry.path("status").asString());
		}
		return statuses;
	}

	/** Bytes written to manifest files while n tasks are created, claimed and done, each change its own batch. */
	private long manifestBytesFor(int n) throws IOException {
		Path folder = Files.createDirectory(this.root.resolve("n" + n));
		CountingDisk disk = new CountingDisk();
		Opened spool = open(folder, disk);
		disk.manifestBytes.set(0);
		for (int i = 0; i < n; i++) {
			Task task = spool.store.create(NewTask.of("prompt " + i));
			spool.manifest.noteChange(task.id());
			spool.manifest.writeChanges();
			Claim claim = spool.store.claim(spool.index.find(task.id()).orElseThrow(), "agent_a").orElseThrow();
			spool.manifest.noteChange(task.id());
			spool.manifest.writeChanges();
			assertThat(spool.store.complete(claim, new Answer("answer " + i, "m", false, null))).isTrue();
			spool.manifest.noteChange(task.id());
			spool.manifest.writeChanges();
		}
		assertThat(ManifestReader.read(folder).path("tasks")).hasSize(n)
			.allSatisfy((entry) -> assertThat(entry.path("status").asString()).isEqualTo("done"));
		return disk.manifestBytes.get();
	}

	private Map<String, String> statuses() throws IOException {
		Map<String, String> statuses = new HashMap<>();
		for (JsonNode entry : ManifestReader.read(this.root).path("tasks")) {
			statuses.put(entry.path("id").asString(), entry.path("status").asString());
		}
		return statuses;
	}

	private void snapshot(String generation, String... entries) throws IOException {
		Files.writeString(this.root.resolve("manifest.json"),
				"{\n  \"generation\" : \"" + generation + "\",\n  \"tasks\" : [" + String.join(",", entries) + "]\n}");
	}

	private void journal(String content) throws IOException {
		Files.writeString(this.root.resolve("manifest.journal"), content, StandardCharsets.UTF_8);
	}

	private Opened open(Path root, CountingDisk disk) throws IOException {
		return open(root, disk, ManifestWriter.CHEAP_SNAPSHOT_BYTES);
	}

	private Opened open(Path root, CountingDisk disk, long cheapSnapshotBytes) throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(root);
		layout.createFolders();
		AtomicFiles files = new AtomicFiles(false, disk);
		AttemptLog log = new AttemptLog(layout, files);
		TaskIndex index = new TaskIndex(layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		TaskStore store = new TaskStore(layout, files, log, index, Clock.systemUTC(), 1 << 20, 3);
		ManifestWriter manifest = new ManifestWriter(layout, files, index, cheapSnapshotBytes);
		this.writers.add(manifest);
		index.rescan();
		manifest.write();
		return new Opened(index, store, manifest);
	}

	/** A workspace opened by hand, with its writer of the manifest. */
	record Opened(TaskIndex index, TaskStore store, ManifestWriter manifest) {
	}

	/** A disk that counts the bytes written to the manifest's files. */
	static final class CountingDisk implements Disk {

		final AtomicLong manifestBytes = new AtomicLong();

		@Override
		public void write(Path file, FileChannel channel, ByteBuffer content) throws IOException {
			if (file.getFileName().toString().contains("manifest.")) {
				this.manifestBytes.addAndGet(content.remaining());
			}
			Disk.super.write(file, channel, content);
		}

	}

}
