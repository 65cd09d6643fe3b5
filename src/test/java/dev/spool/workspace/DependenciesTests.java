package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.ShippedStack;
import dev.spool.MutableClock;
import dev.spool.pipeline.Pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.spool.workspace.TaskBuilder.aTask;

/** What {@code depends_on} means, read from real files: readiness, roles, failing with a dependency, cycles. */
class DependenciesTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		// With the pipelines' rule, as Spool opens it: a fifo stage streams from the stage before it.
		Workspace.Extensions pipelines = new Workspace.Extensions(List.of(Pipelines.START_RULE), OwnerHistory.NONE);
		this.store = Workspace.open(this.root, new Workspace.Settings(false, 1024, 2), pipelines, this.clock,
				(change) -> {
				})
			.store();
	}

	@Test
	void aDependantIsClaimableOnlyOnceEveryDependencyIsDone() {
		Task first = this.store.create(NewTask.of("first"));
		Task second = this.store.create(aTask("second").after(first.id()).build());
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(this.store.index().claimable("agent_a", 10)).extracting(Task::id).containsExactly(first.id());
		assertThat(this.store.index().dependencies().waitingFor(find(second))).containsExactly(first.id());

		Claim claim = this.store.claim(find(first), "agent_a").orElseThrow();
		this.store.complete(claim, new Answer("done", "m", false, null));

		assertThat(this.store.index().claimable("agent_a", 10)).extracting(Task::id).containsExactly(second.id());
		assertThat(this.store.index().dependencies().waitingFor(find(second))).isEmpty();
	}

	@Test
	void aTaskWithARoleIsClaimableOnlyByAnAgentListingIt() {
		Task review = this.store.create(aTask("review").forRole("reviewer").build());
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(this.store.index().claimable("agent_a", 10)).isEmpty();
		assertThat(this.store.index().claimable("agent_a", List.of("writer"), 10)).isEmpty();
		assertThat(this.store.index().claimable("agent_b", List.of("writer", " Reviewer "), 10)).extracting(Task::id)
			.containsExactly(review.id());
	}

	@Test
	void aDoneDependencyIsHandedOverOnceItsOutputIsThereOrTenSecondsAfterItWasDoneWithout() throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		Task second = this.store.create(aTask("second").after(first.id()).build());
		this.store.claim(find(first), "shellbot").orElseThrow();
		// An outside agent commits by renaming its claim to done, and links its output a moment later.
		Path tasks = this.root.resolve("tasks");
		Files.move(tasks.resolve(first.id() + "_inprogress_shellbot.md"), tasks.resolve(first.id() + "_done.md"));
		this.store.index().rescan();

		assertThat(this.store.index().dependencies().waitingFor(find(second))).as("done, output not linked yet")
			.containsExactly(first.id());

		Files.writeString(this.root.resolve("outputs").resolve(first.id() + "_result.md"), "the answer");
		this.store.index().rescan();
		assertThat(this.store.index().dependencies().waitingFor(find(second))).isEmpty();

		Task third = this.store.create(NewTask.of("third"));
		Task fourth = this.store.create(aTask("fourth").after(third.id()).build());
		this.store.claim(find(third), "shellbot").orElseThrow();
		Files.move(tasks.resolve(third.id() + "_inprogress_shellbot.md"), tasks.resolve(third.id() + "_done.md"));
		this.store.index().rescan();
		this.clock.advance(Dependencies.OUTPUT_GRACE.plusSeconds(1));
		assertThat(this.store.index().dependencies().waitingFor(find(fourth))).as("done without an output for long")
			.isEmpty();
	}

	@Test
	void aFifoStageFailsWithTheStageItStreamsFromThoughItHasNoDependsOn() {
		Task one = this.store.create(aTask("one")
			.inPipeline(new PipelineStage("pipeline_001", 1, PipelineStage.Transport.FIFO)).build());
		Task two = this.store.create(aTask("two")
			.inPipeline(new PipelineStage("pipeline_001", 2, PipelineStage.Transport.FIFO)).build());
		Dependencies dependencies = this.store.index().dependencies();
		assertThat(dependencies.hasUpstream(find(two))).isTrue();
		assertThat(dependencies.hasUpstream(find(one))).isFalse();
		assertThat(dependencies.blocker(find(two))).isEmpty();

		this.store.cancel(one.id());

		assertThat(this.store.index().dependencies().blocker(find(two))).map(Task::id).hasValue(one.id());
	}

	@Test
	void failingBecauseOfADependencyIsOneRenameWithARecordThatIsNotAnAttemptAndLosesRacesQuietly() {
		Task first = this.store.create(NewTask.of("first"));
		Task second = this.store.create(aTask("second").after(first.id()).build());
		this.store.cancel(first.id());

		Task failed = this.store
			.failBecauseOfDependency(second.file(), first.id(), Dependencies.reason(find(first)))
			.orElseThrow();

		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).isEqualTo("depends on " + first.id() + ", which was cancelled");
		assertThat(failed.history()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.BLOCKED);
		assertThat(failed.attempts()).isZero();
		assertThat(this.root.resolve("tasks").resolve(second.id() + "_failed.md")).exists();
		assertThat(this.store.failBecauseOfDependency(second.file(), first.id(), "again")).isEmpty();
		assertThat(find(second).history()).hasSize(1);
	}

	@Test
	void aHandWrittenCycleIsAProblemOfEachUnfinishedTaskOnIt() throws IOException {
		Path tasks = this.root.resolve("tasks");
		Files.writeString(tasks.resolve("task_4_pending.md"), "---\ndepends_on: [task_5]\n---\nfour\n");
		Files.writeString(tasks.resolve("task_5_pending.md"), "---\ndepends_on: [task_4]\n---\nfive\n");
		Files.writeString(tasks.resolve("task_6_pending.md"), "---\ndepends_on: [task_4]\n---\nsix\n");
		this.store.index().rescan();
		Dependencies dependencies = this.store.index().dependencies();

		assertThat(dependencies.problem(find("task_4"))).hasValue("depends on itself through task_5 → task_4");
		assertThat(dependencies.problem(find("task_5"))).hasValue("depends on itself through task_4 → task_5");
		assertThat(dependencies.problem(find("task_6"))).as("waits on a cycle but is not on it").isEmpty();
		assertThat(this.store.index().claimable("agent_a", 10)).isEmpty();
	}

	@Test
	void aHandWrittenChainOfFiveThousandTasksIsFlaggedBeyondTheDepthLimitWithoutOverflowingASmallStack()
			throws Exception {
		writeChain(5_000);
		this.store.index().rescan();

		ShippedStack.run(() -> {
			Dependencies dependencies = this.store.index().dependencies();
			for (int n = 1; n <= 5_000; n++) {
				Task task = find("task_" + n);
				assertThat(dependencies.problem(task)).as("task_%d", n)
					.isEqualTo((n <= 101) ? Optional.empty() : Optional.of(TOO_DEEP));
			}
			assertThat(dependencies.depth(find("task_101"))).isEqualTo(100);
			assertThat(dependencies.cycle(find("task_5000"))).isEmpty();
			this.clock.advance(Duration.ofSeconds(1));
			assertThat(this.store.index().claimable("agent_a", 10)).extracting(Task::id)
				.containsExactly(find("task_1").id());
		});
	}

	@Test
	void aNewTaskIsRefusedOnAChainDeeperThanTheLimitAndNothingIsWritten() throws Exception {
		writeChain(200);
		this.store.index().rescan();
		List<String> before = listTasks();

		Task accepted = ShippedStack.call(() -> this.store.create(aTask("on top of a hundred")
			.after(find("task_100").id()).build()));
		assertThatThrownBy(() -> ShippedStack.call(() -> this.store.create(aTask("on top of a hundred and one")
			.after(find("task_1").id(), find("task_101").id()).build())))
			.isInstanceOf(InvalidTaskException.class)
			.hasMessage(TOO_DEEP);
		assertThatThrownBy(() -> this.store.create(aTask("far too deep").after(find("task_200").id()).build()))
			.isInstanceOf(InvalidTaskException.class)
			.hasMessage(TOO_DEEP);

		assertThat(listTasks()).containsExactlyInAnyOrderElementsOf(
				concat(before, List.of(accepted.id() + "_pending.md")));
	}

	@Test
	void doneTasksEndTheChainSoAChainThatIsWorkedThroughIsNoLongerTooDeep() throws Exception {
		writeChain(150);
		this.store.index().rescan();
		assertThat(this.store.index().dependencies().problem(find("task_150"))).hasValue(TOO_DEEP);

		Path tasks = this.root.resolve("tasks");
		for (int n = 1; n <= 60; n++) {
			Files.move(tasks.resolve("task_" + n + "_pending.md"), tasks.resolve("task_" + n + "_done.md"));
		}
		this.store.index().rescan();

		assertThat(this.store.index().dependencies().problem(find("task_150"))).isEmpty();
		assertThat(this.store.index().dependencies().depth(find("task_150"))).isEqualTo(90);
	}

	@Test
	void handWrittenSelfDependencyAndLongCycleAreFlaggedWithoutOverflowingASmallStack() throws Exception {
		Path tasks = this.root.resolve("tasks");
		Files.writeString(tasks.resolve("task_7_pending.md"), "---\ndepends_on: [task_7]\n---\nmyself\n");
		// task_1001 <- task_1002 <- ... <- task_6000, and task_1001 depends on task_6000.
		for (int n = 1001; n <= 6000; n++) {
			int dependency = (n == 1001) ? 6000 : n - 1;
			Files.writeString(tasks.resolve("task_" + n + "_pending.md"),
					"---\ndepends_on: [task_" + dependency + "]\n---\nround " + n + "\n");
		}
		this.store.index().rescan();

		ShippedStack.run(() -> {
			Dependencies dependencies = this.store.index().dependencies();
			assertThat(dependencies.problem(find("task_7"))).hasValue("depends on itself");
			for (int n = 1001; n <= 6000; n++) {
				assertThat(dependencies.problem(find("task_" + n))).as("task_%d", n).hasValue(TOO_DEEP);
			}
			assertThat(this.store.index().claimable("agent_a", 10)).isEmpty();
			assertThat(this.store.index().hasClaimable()).isFalse();
		});
	}

	private static final String TOO_DEEP = "depends on a chain deeper than 100 unfinished tasks, each depending on "
			+ "the next (spool.max-dependency-depth)";

	/** Task files as an outside writer leaves them: task_n depends on task_n-1, none went through Spool. */
	private void writeChain(int length) throws IOException {
		Path tasks = this.root.resolve("tasks");
		Files.writeString(tasks.resolve("task_1_pending.md"), "link 1\n");
		for (int n = 2; n <= length; n++) {
			Files.writeString(tasks.resolve("task_" + n + "_pending.md"),
					"---\ndepends_on: [task_" + (n - 1) + "]\n---\nlink " + n + "\n");
		}
	}

	private List<String> listTasks() throws IOException {
		try (Stream<Path> files = Files.list(this.root.resolve("tasks"))) {
			return files.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).toList();
	}

	private Task find(Task task) {
		return this.store.index().find(task.id()).orElseThrow();
	}

	private Task find(String id) {
		return this.store.index().find(TaskId.parse(id).orElseThrow()).orElseThrow();
	}

}
