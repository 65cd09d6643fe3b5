package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Answers in review against real files: published but not done until a person approves; a rejection sets the answer
 * aside for the next attempt; one decision per answer however many decide at once; a file renamed by hand decided by
 * {@code outside}.
 */
class ReviewsTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private Workspace workspace;

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		this.workspace = open(this.root);
		this.store = this.workspace.store();
	}

	private Workspace open(Path folder) throws IOException {
		return Workspace.open(folder, new Workspace.Settings(false, 1024, 1), this.clock, (change) -> {
		});
	}

	@Test
	void aReviewedAnswerIsPublishedButItsTaskWaitsInReviewAndItsDependantWaitsUntilItIsApproved() {
		Task task = this.store.create(aTask("draft").reviewed().build());
		Task dependant = this.store.create(aTask("use it").after(task.id()).build());

		answer(task, "first draft");

		assertThat(taskFiles()).contains(task.id() + "_review.md");
		assertThat(this.store.readOutput(task.id())).hasValue("first draft");
		assertThat(claimableIds()).doesNotContain(dependant.id());
		Task reviewed = find(task);
		assertThat(reviewed.state()).isEqualTo(TaskState.REVIEW);
		assertThat(reviewed.lastDone().review()).isTrue();

		Task approved = this.store.approve(task.id(), "alice");

		assertThat(approved.state()).isEqualTo(TaskState.DONE);
		assertThat(this.store.readOutput(task.id())).hasValue("first draft");
		assertThat(claimableIds()).contains(dependant.id());
		Attempt last = approved.history().get(approved.history().size() - 1);
		assertThat(last.outcome()).isEqualTo(Attempt.Outcome.APPROVED);
		assertThat(last.by()).isEqualTo("alice");
		assertThat(last.finishedAt()).isEqualTo(this.clock.instant());
	}

	@Test
	void aTaskWithoutReviewIsDoneAtOnce() {
		Task task = this.store.create(aTask("plain").build());

		answer(task, "done");

		assertThat(find(task).state()).isEqualTo(TaskState.DONE);
		assertThat(find(task).lastDone().review()).isNull();
	}

	@Test
	void aRejectionSetsTheAnswerAsideAndSpendsNoAttemptAndTheNextAnswerIsReviewedAgain() throws IOException {
		Task task = this.store.create(aTask("draft").reviewed().build());
		answer(task, "too long");

		Task rejected = this.store.reject(task.id(), "bob", "  Make it shorter.  ");

		assertThat(rejected.state()).isEqualTo(TaskState.PENDING);
		assertThat(Files.exists(this.root.resolve("outputs").resolve(task.id() + "_result.md"))).isFalse();
		assertThat(rejected.attemptsSinceRetry()).as("a person's decision, like a retry").isZero();
		Rejection rejection = this.store.lastRejection(task.id()).orElseThrow();
		assertThat(rejection.answer()).isEqualTo("too long");
		assertThat(rejection.note()).isEqualTo("Make it shorter.");
		assertThat(rejection.by()).isEqualTo("bob");
		// One attempt allowed (max-attempts 1), one spent: the rejection gave a fresh budget, so the task is claimed.
		answer(find(task), "short");
		Task again = find(task);
		assertThat(again.state()).isEqualTo(TaskState.REVIEW);
		assertThat(this.store.readOutput(task.id())).hasValue("short");
		assertThat(again.history()).extracting(Attempt::outcome)
			.containsExactly(Attempt.Outcome.DONE, Attempt.Outcome.REJECTED, Attempt.Outcome.DONE);
		assertThat(again.history().get(1).note()).isEqualTo("Make it shorter.");

		this.store.approve(task.id(), "bob");
		assertThat(this.store.lastRejection(task.id())).as("the newest decision is an approval").isEmpty();
	}

	@Test
	void decidingATaskThatIsNotInReviewIsRefusedAndSaysWhy() {
		Task pending = this.store.create(aTask("not yet").reviewed().build());

		assertThatThrownBy(() -> this.store.approve(pending.id(), "alice"))
			.isInstanceOf(TransitionNotAllowedException.class)
			.hasMessageContaining("is pending, not in review");

		answer(pending, "answer");
		this.store.approve(pending.id(), "alice");
		assertThatThrownBy(() -> this.store.reject(pending.id(), "bob", "no"))
			.isInstanceOf(TransitionNotAllowedException.class)
			.hasMessageContaining("is done, not in review: it was already approved by alice");
		assertThat(find(pending).state()).isEqualTo(TaskState.DONE);
	}

	@Test
	void whenManyDecideAtOnceOneWinsAndTheOthersAreToldWhoDecided() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(6);
		try {
			for (int round = 0; round < 30; round++) {
				Task task = this.store.create(aTask("contested " + round).reviewed().build());
				answer(task, "answer " + round);
				TaskStore other = open(this.root).store();
				CyclicBarrier start = new CyclicBarrier(6);
				List<Future<Task>> decisions = new ArrayList<>();
				for (int i = 0; i < 6; i++) {
					TaskStore deciding = (i % 2 == 0) ? this.store : other;
					String by = "person" + i;
					Callable<Task> decide = (i % 3 == 0) ? () -> deciding.reject(task.id(), by, "note " + by)
							: () -> deciding.approve(task.id(), by);
					decisions.add(threads.submit(() -> {
						start.await();
						return decide.call();
					}));
				}
				int won = 0;
				for (Future<Task> decision : decisions) {
					try {
						decision.get();
						won++;
					}
					catch (java.util.concurrent.ExecutionException ex) {
						assertThat(ex.getCause()).isInstanceOf(TransitionNotAllowedException.class)
							.hasMessageMatching("(?s).*(already (approved|rejected) by|being decided).*");
					}
				}
				assertThat(won).as("round %d", round).isEqualTo(1);
				this.store.index().lookFor(task.id());
				Task after = find(task);
				long decided = after.history().stream().filter((entry) -> entry.by() != null).count();
				assertThat(decided).as("one decision recorded in round %d", round).isEqualTo(1);
				boolean published = Files.exists(this.root.resolve("outputs").resolve(task.id() + "_result.md"));
				assertThat(published).as("the answer stays published only when approved")
					.isEqualTo(after.state() == TaskState.DONE);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void aTaskRenamedFromReviewToDoneByHandIsApprovedByOutside() throws IOException {
		Task task = this.store.create(aTask("draft").reviewed().build());
		answer(task, "fine");

		Files.move(this.root.resolve("tasks").resolve(task.id() + "_review.md"),
				this.root.resolve("tasks").resolve(task.id() + "_done.md"), StandardCopyOption.ATOMIC_MOVE);
		this.store.index().rescan();

		Task done = find(task);
		assertThat(done.state()).isEqualTo(TaskState.DONE);
		Attempt last = done.history().get(done.history().size() - 1);
		assertThat(last.outcome()).isEqualTo(Attempt.Outcome.APPROVED);
		assertThat(last.by()).isEqualTo("outside");
		assertThat(this.store.readOutput(task.id())).hasValue("fine");
		assertThatThrownBy(() -> this.store.approve(task.id(), "alice"))
			.hasMessageContaining("already approved by outside");
	}

	@Test
	void aTaskRenamedFromReviewToPendingByHandIsRejectedWithoutANoteAndItsAnswerSetAside() throws IOException {
		Task task = this.store.create(aTask("draft").reviewed().build());
		answer(task, "meh");

		Files.move(this.root.resolve("tasks").resolve(task.id() + "_review.md"),
				this.root.resolve("tasks").resolve(task.id() + "_pending.md"), StandardCopyOption.ATOMIC_MOVE);
		this.store.index().rescan();

		Task pending = find(task);
		assertThat(pending.state()).isEqualTo(TaskState.PENDING);
		assertThat(pending.history().get(pending.history().size() - 1).outcome())
			.isEqualTo(Attempt.Outcome.REJECTED);
		assertThat(Files.exists(this.root.resolve("outputs").resolve(task.id() + "_result.md"))).isFalse();
		Rejection rejection = this.store.lastRejection(task.id()).orElseThrow();
		assertThat(rejection.answer()).isEqualTo("meh");
		assertThat(rejection.note()).isNull();
		assertThat(rejection.by()).isEqualTo("outside");
	}

	@Test
	void cancellingATaskInReviewSetsItsAnswerAsideSoARetryStartsClean() {
		Task task = this.store.create(aTask("draft").reviewed().build());
		answer(task, "unwanted");

		Task cancelled = this.store.cancel(task.id());

		assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
		assertThat(this.store.readOutput(task.id())).isEmpty();
		Task retried = this.store.retry(task.id());
		answer(retried, "wanted");
		assertThat(this.store.readOutput(task.id())).hasValue("wanted");
		assertThat(this.store.lastRejection(task.id())).isEmpty();
	}

	@Test
	void aTaskInReviewIsStillInReviewAfterARestartAndCanBeDecided() throws IOException {
		Task task = this.store.create(aTask("draft").reviewed().build());
		answer(task, "kept");

		TaskStore reopened = open(this.root).store();

		assertThat(reopened.index().find(task.id()).orElseThrow().state()).isEqualTo(TaskState.REVIEW);
		assertThat(reopened.approve(task.id(), "carol").state()).isEqualTo(TaskState.DONE);
		assertThat(reopened.readOutput(task.id())).hasValue("kept");
	}

	@Test
	void aReviewedTaskIsParsedFromAndWrittenToItsFrontMatter() {
		TaskDocument document = TaskDocument.parse("---\nreview: true\n---\nCheck me\n");

		assertThat(document.review()).isTrue();
		assertThat(document.render()).contains("review: true");
		assertThat(TaskDocument.parse("---\nreview: maybe\n---\nx\n").problem()).isEqualTo(
				"review: 'maybe' is not true or false");
	}

	private void answer(Task task, String text) {
		Claim claim = this.store.claim(find(task), "agent_a").orElseThrow();
		assertThat(this.store.complete(claim, new Answer(text, "m", false, null))).isTrue();
	}

	private Task find(Task task) {
		return this.store.index().find(task.id()).orElseThrow();
	}

	private List<TaskId> claimableIds() {
		return this.store.index().claimable("agent_b", List.of(), (task) -> true, 100).stream().map(Task::id).toList();
	}

	private List<String> taskFiles() {
		try (Stream<Path> files = Files.list(this.root.resolve("tasks"))) {
			return files.map((path) -> path.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
