package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.spool.manifest.ManifestWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A full or failing disk, simulated by a {@link RecordingDisk} that fails one kind of call in one folder with the
 * system's message (ENOSPC or EIO): writing, flushing a file, linking, renaming or flushing a folder. Each time the
 * operation fails with that message, nothing already written is lost, the task keeps exactly one name, no
 * temporary file is left, and once the disk is well the operation, or what stands in for it, succeeds.
 */
class DiskFaultTests {

	@TempDir
	Path root;

	private RecordingDisk disk;

	private WorkspaceLayout layout;

	private TaskIndex index;

	private TaskStore store;

	private ManifestWriter manifest;

	@BeforeEach
	void open() throws IOException {
		this.layout = new WorkspaceLayout(this.root);
		this.layout.createFolders();
		this.disk = new RecordingDisk(this.root);
		AtomicFiles files = new AtomicFiles(true, this.disk);
		AttemptLog log = new AttemptLog(this.layout, files);
		this.index = new TaskIndex(this.layout, log, Clock.systemUTC(), 1 << 20, (change) -> {
		});
		this.store = new TaskStore(this.layout, files, log, this.index, Clock.systemUTC(), 1 << 20, 3);
		this.manifest = new ManifestWriter(this.layout, files, this.index);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultBeforeTheCommitFailsTheCompletionAndKeepsTheClaim(Fault fault) throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		this.store.complete(this.store.claim(first, "agent_a").orElseThrow(), answer("first answer"));
		Task second = this.store.create(NewTask.of("second"));
		Claim claim = this.store.claim(second, "agent_a").orElseThrow();

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.complete(claim, answer("second answer")))
			.withMessageContaining(fault.message());
		assertThat(this.store.readOutput(first.id())).hasValue("first answer");
		assertThat(this.layout.output(second.id())).doesNotExist();
		assertThat(namesOf(second.id())).as("the claim is kept, to be retried or taken back")
			.containsExactly(claim.file().fileName());
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		assertThat(this.store.complete(claim, answer("second answer"))).isTrue();
		assertThat(this.store.readOutput(second.id())).hasValue("second answer");
		assertThat(namesOf(second.id())).containsExactly("task_002_done.md");
	}

	static Stream<Fault> aFaultBeforeTheCommitFailsTheCompletionAndKeepsTheClaim() {
		return Fault.each("write .spool/staging", "force .spool/staging", "link .spool/staging",
				"sync .spool/staging", "rename tasks", "link tasks linking", "delete tasks linking");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultAfterTheCommitFailsTheCompletionAndTheAnswerIsPublishedOnRecovery(Fault fault) throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		this.store.complete(this.store.claim(first, "agent_a").orElseThrow(), answer("first answer"));
		Task second = this.store.create(NewTask.of("second"));
		Claim claim = this.store.claim(second, "agent_a").orElseThrow();

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.complete(claim, answer("second answer")))
			.withMessageContaining(fault.message());
		assertThat(this.store.readOutput(first.id())).hasValue("first answer");
		assertThat(namesOf(second.id())).as("the commit stands").containsExactly("task_002_done.md");
		assertThat(stagedOrPublished(second.id())).as("the answer, staged or published").contains("second answer");
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		// What opening the workspace does.
		this.store.recoverStagedAnswers();
		assertThat(this.store.readOutput(second.id())).hasValue("second answer");
		assertThat(namesOf(second.id())).containsExactly("task_002_done.md");
	}

	static Stream<Fault> aFaultAfterTheCommitFailsTheCompletionAndTheAnswerIsPublishedOnRecovery() {
		return Fault.each("sync tasks", "sync tasks linking", "link outputs");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultFlushingOutputsKeepsTheStagedCopyUntilTheWorkspaceOpensAgain(Fault fault) throws IOException {
		Claim claim = this.store.claim(this.store.create(NewTask.of("q")), "agent_a").orElseThrow();
		inject(fault);

		assertThat(this.store.complete(claim, answer("the answer"))).as("its agent does not flush outputs/").isTrue();
		this.store.settlePublished();

		assertThat(this.disk.failedCall()).isEqualTo("sync outputs");
		assertThat(this.store.readOutput(claim.id())).hasValue("the answer");
		assertThat(this.layout.staging()).as("the copy that lasts, while the link may not")
			.isDirectoryContaining((path) -> path.getFileName().toString().startsWith("task_001.agent_a."));

		this.disk.heal();
		this.disk.forget();
		// What opening the workspace does.
		this.store.recoverStagedAnswers();
		this.store.settlePublished();
		assertThat(this.disk.calls()).containsSubsequence("sync outputs", "delete .spool/staging/task_001.agent_a.*.md");
		assertThat(this.layout.staging()).isEmptyDirectory();
		assertThat(this.store.readOutput(claim.id())).hasValue("the answer");
	}

	static Stream<Fault> aFaultFlushingOutputsKeepsTheStagedCopyUntilTheWorkspaceOpensAgain() {
		return Fault.each("sync outputs");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultWhileWritingATaskFileSaysThatItsIdStaysUnused(Fault fault) throws IOException {
		Task first = this.store.create(NewTask.of("first"));

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("no room")))
			.withMessageContaining(fault.message())
			.withMessageContaining("task_002 stays reserved and unused");
		assertThat(taskNames()).containsExactly(first.file().fileName());
		assertThat(this.layout.reservation(TaskId.of(2))).exists();
		assertThat(leftovers()).isEmpty();
		assertThat(callsSinceTheFault()).as("a file whose write or flush failed is never linked")
			.noneMatch((call) -> call.startsWith("link tasks/task_002"));

		this.disk.heal();
		assertThat(this.store.create(NewTask.of("room again")).id().text()).isEqualTo("task_003");
	}

	static Stream<Fault> aFaultWhileWritingATaskFileSaysThatItsIdStaysUnused() {
		return Fault.each("write tasks", "force tasks", "link tasks", "sync .spool/ids");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultWhileReservingAnIdUsesNone(Fault fault) throws IOException {
		this.store.create(NewTask.of("first"));

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("no room")))
			.withMessageContaining(fault.message());
		assertThat(this.layout.reservation(TaskId.of(2))).doesNotExist();
		assertThat(taskNames()).containsExactly("task_001_pending.md");

		this.disk.heal();
		assertThat(this.store.create(NewTask.of("room again")).id().text()).isEqualTo("task_002");
	}

	static Stream<Fault> aFaultWhileReservingAnIdUsesNone() {
		return Fault.each("create .spool/ids");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultFlushingANewTaskFileSaysSoThoughTheTaskExists(Fault fault) throws IOException {
		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("written, not flushed")))
			.withMessageContaining(fault.message())
			.withMessageContaining("task_001_pending.md is in place, but may not survive a power cut")
			.withMessageNotContaining("unused");
		assertThat(taskNames()).containsExactly("task_001_pending.md");
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		assertThat(this.store.create(NewTask.of("flushed")).id().text()).isEqualTo("task_002");
	}

	static Stream<Fault> aFaultFlushingANewTaskFileSaysSoThoughTheTaskExists() {
		return Fault.each("sync tasks");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultWhileClaimingLeavesTheTaskPending(Fault fault) throws IOException {
		Task task = this.store.create(NewTask.of("contended"));

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.store.claim(task, "agent_a"))
			.withMessageContaining(fault.message());
		assertThat(namesOf(task.id())).containsExactly("task_001_pending.md");
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		assertThat(this.store.claim(task, "agent_a")).isPresent();
		assertThat(namesOf(task.id())).containsExactly("task_001_inprogress_agent_a.md");
	}

	static Stream<Fault> aFaultWhileClaimingLeavesTheTaskPending() {
		return Fault.each("rename tasks", "link tasks linking", "delete tasks linking");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aClaimFlushesNothingSoAFailingFolderFlushDoesNotStopIt(Fault fault) throws IOException {
		Task task = this.store.create(NewTask.of("claimed, not flushed"));

		inject(fault);

		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		assertThat(namesOf(task.id())).containsExactly(claim.file().fileName());
		assertThat(this.disk.failedCall()).as("no call failed: none flushed").isNull();
		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.complete(claim, answer("the answer")))
			.withMessageContaining(fault.message())
			.withMessageContaining("may not survive a power cut");
		assertThat(namesOf(task.id())).as("the commit stands: only its flush, which makes the claim last too, failed")
			.containsExactly("task_001_done.md");
	}

	static Stream<Fault> aClaimFlushesNothingSoAFailingFolderFlushDoesNotStopIt() {
		return Fault.each("sync tasks", "sync tasks linking");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultWhileFailingAnAttemptKeepsTheClaim(Fault fault) throws IOException {
		Claim claim = this.store.claim(this.store.create(NewTask.of("hard")), "agent_a").orElseThrow();

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.fail(claim, "the model timed out"))
			.withMessageContaining(fault.message());
		assertThat(namesOf(claim.id())).containsExactly(claim.file().fileName());
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		assertThat(this.store.fail(claim, "the model timed out")).hasValue(TaskState.PENDING);
		assertThat(namesOf(claim.id())).containsExactly("task_001_pending.md");
	}

	static Stream<Fault> aFaultWhileFailingAnAttemptKeepsTheClaim() {
		return Fault.each("rename tasks", "link tasks linking");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultFlushingAFailedAttemptLeavesTheTaskPending(Fault fault) throws IOException {
		Claim claim = this.store.claim(this.store.create(NewTask.of("hard")), "agent_a").orElseThrow();

		inject(fault);

		assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> this.store.fail(claim, "the model timed out"))
			.withMessageContaining(fault.message());
		assertThat(namesOf(claim.id())).containsExactly("task_001_pending.md");
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		this.index.rescan();
		assertThat(this.store.claim(this.index.find(claim.id()).orElseThrow(), "agent_b")).isPresent();
	}

	static Stream<Fault> aFaultFlushingAFailedAttemptLeavesTheTaskPending() {
		return Fault.each("sync tasks", "sync tasks linking");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource
	void aFaultWhileWritingTheManifestLeavesTheLastWholeOne(Fault fault) throws IOException {
		this.store.create(NewTask.of("listed"));
		this.index.rescan();
		this.manifest.write();
		String before = Files.readString(this.layout.manifest());
		this.store.create(NewTask.of("not yet listed"));
		this.index.rescan();

		inject(fault);

		assertThatExceptionOfType(IOException.class).isThrownBy(this.manifest::write)
			.withMessageContaining(fault.message());
		assertThat(Files.readString(this.layout.manifest())).isEqualTo(before);
		assertThat(leftovers()).isEmpty();

		this.disk.heal();
		this.manifest.write();
		assertThat(Files.readString(this.layout.manifest())).isNotEqualTo(before).contains("task_002");
	}

	static Stream<Fault> aFaultWhileWritingTheManifestLeavesTheLastWholeOne() {
		return Fault.each("write .", "force .", "replace .");
	}

	private void inject(Fault fault) {
		if (fault.linking()) {
			this.disk.linkInsteadOfRename();
		}
		this.disk.forget();
		this.disk.fail(fault.call(), fault.folder(), fault.message());
	}

	private List<String> callsSinceTheFault() {
		List<String> calls = this.disk.calls();
		String failed = this.disk.failedCall();
		return calls.subList(calls.indexOf(failed) + 1, calls.size());
	}

	private String stagedOrPublished(TaskId id) throws IOException {
		Path output = this.layout.output(id);
		if (Files.exists(output)) {
			return Files.readString(output);
		}
		try (Stream<Path> staged = Files.list(this.layout.staging())) {
			return staged.filter((path) -> path.getFileName().toString().startsWith(id.text() + "."))
				.map((path) -> {
					try {
						return Files.readString(path);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				})
				.findFirst()
				.orElse("");
		}
	}

	private static Answer answer(String text) {
		return new Answer(text, "m", false, null);
	}

	private List<String> namesOf(TaskId id) throws IOException {
		return taskNames().stream().filter((name) -> name.startsWith(id.text() + "_")).toList();
	}

	private List<String> taskNames() throws IOException {
		try (Stream<Path> tasks = Files.list(this.layout.tasks())) {
			return tasks.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.walk(this.root)) {
			return files.filter((path) -> path.getFileName().toString().endsWith(".tmp")).toList();
		}
	}

	/**
	 * One kind of call failing in one folder.
	 *
	 * @param linking whether the system has no rename that refuses to replace, so that moves link and unlink
	 */
	record Fault(RecordingDisk.Call call, String folder, String message, boolean linking) {

		/** Each fault written as {@code "<call> <folder> [linking]"}, with a full disk and with a failing one. */
		static Stream<Fault> each(String... specs) {
			return Arrays.stream(specs).flatMap((spec) -> {
				String[] words = spec.split(" ");
				RecordingDisk.Call call = RecordingDisk.Call.valueOf(words[0].toUpperCase());
				String folder = words[1].equals(".") ? "" : words[1];
				boolean linking = words.length > 2;
				return Stream.of(RecordingDisk.NO_SPACE, RecordingDisk.IO_ERROR)
					.map((message) -> new Fault(call, folder, message, linking));
			});
		}

		@Override
		public String toString() {
			return this.call.word() + " in " + (this.folder.isEmpty() ? "the root" : this.folder) + ": " + this.message
					+ (this.linking ? " (moves link and unlink)" : "");
		}

	}

}
