package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.spool.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static dev.spool.workspace.TaskBuilder.aTask;

class TaskStoreTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private final List<TaskChanged> changes = new ArrayList<>();

	private Workspace workspace;

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		this.workspace = open(this.root);
		this.store = this.workspace.store();
	}

	private Workspace open(Path folder) throws IOException {
		return Workspace.open(folder, new Workspace.Settings(false, 1024, 2), this.clock, this.changes::add);
	}

	@Test
	void aNewTaskIsAPendingMarkdownFileWithFrontMatter() throws IOException {
		Task task = this.store.create(aTask("Write a haiku").titled("Haiku").forAgent("agent_b").priority(3).build());

		assertThat(task.id().text()).isEqualTo("task_001");
		assertThat(task.state()).isEqualTo(TaskState.PENDING);
		String text = Files.readString(this.root.resolve("tasks/task_001_pending.md"));
		assertThat(text).startsWith("---\n").contains("title: \"Haiku\"", "agent: agent_b", "priority: 3")
			.endsWith("Write a haiku\n");
		assertThat(this.changes).extracting(TaskChanged::id).contains(task.id());
	}

	@Test
	void newIdsAreAboveEveryIdInTasksIncludingHandMadeOnes() throws IOException {
		Files.writeString(this.root.resolve("tasks/task_41_done.md"), "made by hand");
		this.store.index().rescan();

		assertThat(this.store.create(NewTask.of("next")).id().text()).isEqualTo("task_042");
	}

	@Test
	void idsOfDeletedTasksAreNotHandedOutAgain() throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		Files.delete(this.root.resolve("tasks").resolve(first.file().fileName()));
		Workspace reopened = open(this.root);

		assertThat(reopened.store().create(NewTask.of("second")).id().text()).isEqualTo("task_002");
	}

	@Test
	void claimLosesToAnEarlierRename() throws IOException {
		Task task = this.store.create(NewTask.of("contended"));
		TaskStore other = open(this.root).store();

		Optional<Claim> first = other.claim(task, "agent_a");
		Optional<Claim> second = this.store.claim(task, "agent_b");

		assertThat(first).isPresent();
		assertThat(second).isEmpty();
		assertThat(taskFiles()).containsExactly("task_001_inprogress_agent_a.md");
	}

	@Test
	void completingPublishesTheOutputAndRecordsTheAttempt() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();

		boolean published = this.store.complete(claim, new Answer("answer", "m1", false, new TokenUsage(3, 4, 7)));

		assertThat(published).isTrue();
		assertThat(taskFiles()).containsExactly("task_001_done.md");
		Instant now = this.clock.instant();
		assertThat(Files.readString(this.root.resolve("outputs/task_001_result.md")))
			.isEqualTo("---\nagent: agent_a\nstarted_at: " + now + "\nfinished_at: " + now
					+ "\ntokens: {prompt: 3, completion: 4}\nmodel: m1\nrecorded: true\n---\nanswer");
		assertThat(this.store.readOutput(task.id())).as("the result as readers are shown it").hasValue("answer");
		Task done = this.store.index().find(task.id()).orElseThrow();
		assertThat(done.owner()).isEqualTo("agent_a");
		assertThat(done.attempts()).isEqualTo(1);
		assertThat(done.lastDone().tokens()).isEqualTo(new TokenUsage(3, 4, 7));
		assertThat(done.completedAt()).isEqualTo(this.clock.instant());
		assertThat(Files.list(this.root.resolve(".spool/staging"))).isEmpty();
	}

	@Test
	void withFlushingTheStagedCopyOfAPublishedAnswerGoesOnItsOwnOnceOutputsIsFlushed() throws Exception {
		Workspace flushing = Workspace.open(Files.createDirectories(this.root.resolve("flushing")),
				new Workspace.Settings(true, 1024, 2), this.clock, (change) -> {
				});
		TaskStore store = flushing.store();
		Claim claim = store.claim(store.create(NewTask.of("question")), "agent_a").orElseThrow();

		assertThat(store.complete(claim, new Answer("answer", "m1", false, null))).isTrue();

		Path staging = flushing.layout().staging();
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!isEmpty(staging) && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(staging).as("left for a flush of outputs/ a moment later, with nothing asked").isEmptyDirectory();
		assertThat(store.readOutput(claim.id())).hasValue("answer");
		flushing.close();
	}

	private static boolean isEmpty(Path folder) throws IOException {
		try (var names = Files.list(folder)) {
			return names.findAny().isEmpty();
		}
	}

	@Test
	void aTaskThisProcessClaimsAndCompletesIsTakenInAsWrittenNotReadBack() throws IOException {
		Task task = this.store.create(aTask("question").forAgent("agent_a").build());
		TaskReader.Reads reads = this.workspace.index().reads();
		long documents = reads.documents.get();
		long results = reads.results.get();
		long missing = reads.recordsMissing.get();

		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		this.clock.advance(Duration.ofSeconds(3));
		int seen = this.changes.size();
		assertThat(this.store.complete(claim, new Answer("answer", "m1", false, new TokenUsage(3, 4, 7)))).isTrue();

		assertThat(this.changes.subList(seen, this.changes.size())).as("the rename, the result and the record")
			.singleElement()
			.satisfies((change) -> {
				assertThat(change).isInstanceOf(TaskChanged.Published.class);
				assertThat(change.after().hasOutput()).isTrue();
				assertThat(change.after().attempts()).isEqualTo(1);
			});

		assertThat(reads.documents.get() - documents).as("task files read again").isZero();
		assertThat(reads.results.get() - results).as("results read back").isZero();
		assertThat(reads.recordsMissing.get() - missing).as("records looked for in vain").isZero();
		Task held = this.store.index().find(task.id()).orElseThrow();
		assertThat(held.state()).isEqualTo(TaskState.DONE);
		assertThat(held.hasOutput()).isTrue();
		assertThat(held.attempts()).isEqualTo(1);
		Task read = open(this.root).index().find(task.id()).orElseThrow();
		assertThat(held.looksLike(read)).as("held %s, read from the files %s", held, read).isTrue();
	}

	@Test
	void aRecordAnotherProcessWroteMeanwhileIsReadWithTheOneThisProcessWrites() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		// Another process's record of the task, whose event this process has not seen.
		Files.writeString(this.root.resolve(".spool/attempts/task_001.1.json"), """
				{"number": 1, "outcome": "ERROR", "agent": "elsewhere", "started_at": "2026-01-02T03:04:05Z",
				 "finished_at": "2026-01-02T03:04:06Z", "error": "a note from another process"}""");

		assertThat(this.store.complete(claim, new Answer("answer", "m1", false, null))).isTrue();

		assertThat(this.store.index().find(task.id()).orElseThrow().history())
			.extracting(Attempt::number, Attempt::outcome, Attempt::agent)
			.containsExactly(tuple(1, Attempt.Outcome.ERROR, "elsewhere"), tuple(2, Attempt.Outcome.DONE, "agent_a"));
	}

	@Test
	void aTaskGivenBackIsOfferedWithItsRecordSoAnAgentThatTakesItAtOnceRecordsAfterIt() throws IOException {
		AtomicReference<TaskStore> eager = new AtomicReference<>();
		AtomicBoolean takenAtOnce = new AtomicBoolean();
		// An agent of this process that takes a task the instant it is offered again, on the thread that gave it back.
		Workspace workspace = Workspace.open(Files.createDirectories(this.root.resolve("eager")),
				new Workspace.Settings(false, 1024, 3), this.clock, (change) -> {
					if (change instanceof TaskChanged.Returned && takenAtOnce.compareAndSet(false, true)) {
						Claim again = eager.get().claim(change.after(), "agent_b").orElseThrow();
						eager.get().complete(again, new Answer("at once", "m1", false, null));
					}
				});
		eager.set(workspace.store());
		Task task = eager.get().create(NewTask.of("question"));
		Claim claim = eager.get().claim(task, "agent_a").orElseThrow();

		assertThat(eager.get().fail(claim, "HTTP 500")).hasValue(TaskState.PENDING);

		assertThat(takenAtOnce).isTrue();
		assertThat(workspace.index().find(task.id()).orElseThrow().history())
			.extracting(Attempt::number, Attempt::outcome, Attempt::agent)
			.containsExactly(tuple(1, Attempt.Outcome.ERROR, "agent_a"), tuple(2, Attempt.Outcome.DONE, "agent_b"));
		workspace.close();
	}

	@Test
	void fileEventsOfATaskThisProcessIsMovingWaitForItAndAreTakenAfter() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		TaskIndex index = this.workspace.index();
		index.ownMoveStarts(task.id());
		// Someone else cancels it meanwhile: the event waits for the move under way here.
		Files.move(this.root.resolve("tasks/task_001_pending.md"), this.root.resolve("tasks/task_001_cancelled.md"));
		index.taskFilesSeen(List.of("task_001_pending.md", "task_001_cancelled.md"), Set.of());
		// A listener told of the first move moves the task again, from within it.
		index.ownMoveStarts(task.id());
		index.ownMoveEnded(task.id());

		assertThat(index.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.PENDING);
		index.ownMoveEnded(task.id());
		assertThat(index.find(task.id()).orElseThrow().state()).as("the event taken once the moves were told")
			.isEqualTo(TaskState.CANCELLED);
	}

	@Test
	void aTaskThisProcessIsMovingDoesNotVanishForALookThatBeganBeforeTheMove() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		TaskIndex index = this.workspace.index();
		this.changes.clear();
		// The watcher took an event of the task just before this process began to finish it, and looks at the
		// task's names after the rename, before the move tells the index.
		index.ownMoveStarts(task.id());
		TaskFile done = claim.file().to(TaskState.DONE, null);
		Files.move(this.root.resolve("tasks").resolve(claim.file().fileName()),
				this.root.resolve("tasks").resolve(done.fileName()));
		index.taskFilesChanged(List.of(claim.file().fileName()), Set.of());

		assertThat(this.changes).as("nothing taken from a look at a name this process is renaming").isEmpty();
		assertThat(index.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.IN_PROGRESS);
		assertThat(index.all()).extracting(Task::id).contains(task.id());

		index.moved(claim.file(), done, true);
		index.ownMoveEnded(task.id());
		assertThat(index.find(task.id()).orElseThrow().state()).isEqualTo(TaskState.DONE);
		assertThat(this.changes).singleElement().isInstanceOf(TaskChanged.Published.class);
	}

	@Test
	void aTaskThatLeavesWhileThisProcessMovesItIsSeenGoneWhenTheMoveEnds() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		TaskIndex index = this.workspace.index();
		this.changes.clear();
		index.ownMoveStarts(task.id());
		// Someone removes the file before this process's rename, which then fails; the watcher looks meanwhile.
		Files.delete(this.root.resolve("tasks").resolve(claim.file().fileName()));
		index.taskFilesChanged(List.of(claim.file().fileName()), Set.of());
		index.moved(claim.file(), claim.file().to(TaskState.DONE, null), false);
		assertThat(this.changes).as("told when the move ends").isEmpty();

		index.ownMoveEnded(task.id());
		assertThat(this.changes).singleElement().isInstanceOf(TaskChanged.Vanished.class);
	}

	@Test
	void aResultFoundInPlaceWhenCompletingIsReadNotTakenAsWritten() throws IOException {
		Task task = this.store.create(NewTask.of("question"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		Files.writeString(this.root.resolve("outputs/task_001_result.md"),
				"---\nagent: outside\nfinished_at: 2026-01-02T03:04:05Z\n---\nan answer from elsewhere");

		assertThat(this.store.complete(claim, new Answer("answer", "m1", false, null))).isTrue();

		Task held = this.store.index().find(task.id()).orElseThrow();
		assertThat(held.hasOutput()).isTrue();
		assertThat(held.owner()).as("whoever wrote the result in outputs/").isEqualTo("outside");
		assertThat(this.store.readOutput(task.id())).hasValue("an answer from elsewhere");
		assertThat(held.history()).singleElement()
			.satisfies((record) -> assertThat(record.outcome()).isEqualTo(Attempt.Outcome.DONE))
			.satisfies((record) -> assertThat(record.agent()).isEqualTo("agent_a"))
			.satisfies((record) -> assertThat(record.unpublished()).as("its answer was not published").isTrue());
		// Read again from the files alone, as after a restart: the result's header still tells, not the record.
		this.workspace.close();
		this.workspace = open(this.root);
		Task read = this.workspace.index().find(task.id()).orElseThrow();
		assertThat(read.owner()).isEqualTo("outside");
		assertThat(read.completedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
	}

	@Test
	void failedAttemptsReturnTheTaskToPendingUntilTheBudgetIsSpent() {
		Task task = this.store.create(NewTask.of("flaky"));

		Claim first = this.store.claim(task, "agent_a").orElseThrow();
		assertThat(this.store.fail(first, "HTTP 500")).hasValue(TaskState.PENDING);
		Claim second = this.store.claim(this.store.index().find(task.id()).orElseThrow(), "agent_a").orElseThrow();
		assertThat(this.store.fail(second, "HTTP 500 again")).hasValue(TaskState.FAILED);

		Task failed = this.store.index().find(task.id()).orElseThrow();
		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.attempts()).isEqualTo(2);
		assertThat(failed.error()).contains("HTTP 500 again", "attempt 2 of 2");
	}

	@Test
	void aRetryGivesAFailedTaskAFreshBudget() {
		Task task = this.store.create(NewTask.of("flaky"));
		for (int i = 0; i < 2; i++) {
			Claim claim = this.store.claim(this.store.index().find(task.id()).orElseThrow(), "a").orElseThrow();
			this.store.fail(claim, "boom");
		}

		Task retried = this.store.retry(task.id());
		Claim claim = this.store.claim(retried, "a").orElseThrow();

		assertThat(this.store.fail(claim, "boom")).hasValue(TaskState.PENDING);
		assertThat(this.store.index().find(task.id()).orElseThrow().attempts()).isEqualTo(3);
	}

	@Test
	void anAgentWhoseTaskWasCancelledPublishesNothing() throws IOException {
		Task task = this.store.create(NewTask.of("long"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();

		this.store.cancel(task.id());

		assertThat(this.store.heartbeat(claim)).isFalse();
		assertThat(this.store.complete(claim, new Answer("late", "m", false, null))).isFalse();
		assertThat(taskFiles()).containsExactly("task_001_cancelled.md");
		assertThat(this.root.resolve("outputs/task_001_result.md")).doesNotExist();
		assertThat(Files.list(this.root.resolve(".spool/staging"))).isEmpty();
	}

	@Test
	void aLateAgentCannotPublishOverTheAgentThatTookOver() throws IOException {
		Task task = this.store.create(NewTask.of("slow"));
		Claim late = this.store.claim(task, "agent_a").orElseThrow();
		TaskStore orchestrator = open(this.root).store();
		orchestrator.requeueStale(late.file(), "no heartbeat");
		Claim takeover = orchestrator.claim(orchestrator.index().find(task.id()).orElseThrow(), "agent_b")
			.orElseThrow();
		orchestrator.complete(takeover, new Answer("from b", "m", false, null));

		boolean lateResult = this.store.complete(late, new Answer("from a", "m", false, null));

		assertThat(lateResult).isFalse();
		assertThat(this.store.readOutput(task.id())).hasValue("from b");
		this.store.index().rescan();
		assertThat(this.store.index().find(task.id()).orElseThrow().owner()).isEqualTo("agent_b");
		assertThat(taskFiles()).containsExactly("task_001_done.md");
	}

	@Test
	void finishedTasksCannotBeCancelledAndPendingOnesCannotBeRetried() {
		Task task = this.store.create(NewTask.of("x"));

		assertThatExceptionOfType(TransitionNotAllowedException.class).isThrownBy(() -> this.store.retry(task.id()));
		this.store.cancel(task.id());
		assertThatExceptionOfType(TransitionNotAllowedException.class).isThrownBy(() -> this.store.cancel(task.id()));
		assertThatExceptionOfType(TaskNotFoundException.class).isThrownBy(() -> this.store.cancel(TaskId.of(99)));
	}

	@Test
	void invalidRequestsWriteNothing() throws IOException {
		assertThatExceptionOfType(InvalidTaskException.class).isThrownBy(() -> this.store.create(NewTask.of("  ")));
		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(aTask("p").forAgent("../x").build()));
		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(aTask("p").after(TaskId.of(5)).build()));
		assertThatExceptionOfType(PromptTooLargeException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("x".repeat(1025))));

		assertThat(taskFiles()).isEmpty();
		assertThat(Files.list(this.root.resolve(".spool/ids"))).isEmpty();
	}

	@Test
	void twoFilesWithOneIdAreFlaggedAndLeftAlone() throws IOException {
		Files.writeString(this.root.resolve("tasks/task_005_pending.md"), "one");
		Files.writeString(this.root.resolve("tasks/task_005_done.md"), "two");
		this.store.index().rescan();

		Task task = this.store.index().find(TaskId.of(5)).orElseThrow();
		assertThat(task.problem()).contains("several files share the id task_005");
		assertThat(this.store.index().claimable("agent_a", 10)).isEmpty();
	}

	@Test
	void anAnswerCommittedByADeadProcessIsPublishedWhenTheWorkspaceOpens() throws IOException {
		Task task = this.store.create(NewTask.of("q"));
		Claim claim = this.store.claim(task, "agent_a").orElseThrow();
		// The process died between the commit (the rename to done) and linking the staged answer into outputs/.
		Files.writeString(this.root.resolve(".spool/staging/task_001.agent_a.1234.md"), "committed answer");
		Files.move(this.root.resolve("tasks").resolve(claim.file().fileName()),
				this.root.resolve("tasks/task_001_done.md"));

		open(this.root);

		assertThat(Files.readString(this.root.resolve("outputs/task_001_result.md"))).isEqualTo("committed answer");
		assertThat(Files.list(this.root.resolve(".spool/staging"))).isEmpty();
	}

	@Test
	void whoFinishedATaskAndWhenAreReadFromItsResultAfterARestart() throws IOException {
		Task task = this.store.create(NewTask.of("tried twice"));
		this.store.fail(this.store.claim(task, "agent_a").orElseThrow(), "HTTP 500");
		// An outside agent takes it, commits, and links a result that says who it is and when it finished.
		Files.move(this.root.resolve("tasks/task_001_pending.md"), this.root.resolve("tasks/task_001_done.md"));
		Files.writeString(this.root.resolve("outputs/task_001_result.md"),
				"---\nagent: shellbot\nstarted_at: 2026-01-02T03:04:05Z\nfinished_at: 2026-01-02T03:04:09.5Z\n---\n42\n");

		Workspace reopened = open(this.root);

		Task done = reopened.index().find(task.id()).orElseThrow();
		assertThat(done.owner()).as("not agent_a, whose failed attempt is the last record").isEqualTo("shellbot");
		assertThat(done.completedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:09.5Z"));
		assertThat(reopened.store().readOutput(task.id())).hasValue("42\n");
	}

	@Test
	void anOutsideAgentsFailureNoteCountsAsAnAttemptAndFailsTheTaskWhenTheBudgetIsSpent() throws IOException {
		Task task = this.store.create(NewTask.of("a command that fails"));
		Path tasks = this.root.resolve("tasks");
		// A shell agent claims, fails, leaves a note and gives the task back; twice, with a budget of 2.
		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_inprogress_shellbot.md"));
		Files.writeString(this.root.resolve("failures/task_001.shellbot.4711.md"),
				"---\nstarted_at: 2026-01-02T03:04:05Z\n---\nexit status 3\n");
		Files.move(tasks.resolve("task_001_inprogress_shellbot.md"), tasks.resolve("task_001_pending.md"));
		this.workspace.takeFailureNotes();

		Task once = this.store.index().find(task.id()).orElseThrow();
		assertThat(once.state()).isEqualTo(TaskState.PENDING);
		assertThat(once.history()).singleElement().satisfies((attempt) -> {
			assertThat(attempt.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(attempt.agent()).isEqualTo("shellbot");
			assertThat(attempt.error()).isEqualTo("exit status 3");
			assertThat(attempt.startedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
		});
		assertThat(Files.list(this.root.resolve("failures"))).as("the note is removed once counted").isEmpty();

		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_inprogress_shellbot.md"));
		Files.writeString(this.root.resolve("failures/task_001.shellbot.4712.md"), "exit status 4\n");
		// Counted before the agent gives the task back: its own claim goes to failed, and its give-back finds it gone.
		open(this.root);

		assertThat(taskFiles()).containsExactly("task_001_failed.md");
		this.store.index().rescan();
		Task failed = this.store.index().find(task.id()).orElseThrow();
		assertThat(failed.attempts()).isEqualTo(2);
		assertThat(failed.owner()).isEqualTo("shellbot");
		assertThat(failed.error()).isEqualTo("exit status 4 (attempt 2 of 2)");
		assertThat(Files.list(this.root.resolve("failures"))).isEmpty();
	}

	@Test
	void aFailureNoteForAnotherAgentsClaimCountsButLeavesTheClaimAlone() throws IOException {
		Task task = this.store.create(NewTask.of("contended"));
		this.store.fail(this.store.claim(task, "agent_a").orElseThrow(), "HTTP 500");
		Claim claim = this.store.claim(this.store.index().find(task.id()).orElseThrow(), "agent_b").orElseThrow();
		Files.writeString(this.root.resolve("failures/task_001.shellbot.1.md"), "too late");

		this.workspace.takeFailureNotes();

		assertThat(taskFiles()).containsExactly("task_001_inprogress_agent_b.md");
		assertThat(this.store.fail(claim, "HTTP 500")).as("the budget of 2 was spent by the note")
			.hasValue(TaskState.FAILED);
	}

	@Test
	void aNoteWhoseNameSaysNoTaskAndAgentIsLeftWhereItIs() throws IOException {
		Files.writeString(this.root.resolve("failures/notes.md"), "hello");

		this.workspace.takeFailureNotes();

		assertThat(this.root.resolve("failures/notes.md")).exists();
	}

	private List<String> taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.root.resolve("tasks"))) {
			return files.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

}
