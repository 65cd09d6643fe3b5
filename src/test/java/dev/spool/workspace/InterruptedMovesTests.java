package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process that dies while a move links and unlinks leaves one file under two names. Opening the workspace keeps
 * the name a legal transition leads to, once the pair is older than any move still running could be.
 */
class InterruptedMovesTests {

	private static final Workspace.Settings SETTINGS = new Workspace.Settings(false, 1024, 3);

	@TempDir
	Path root;

	@Test
	void aCompletionThatStoppedBetweenLinkAndUnlinkIsFinishedWhenTheWorkspaceOpens() throws IOException {
		Workspace workspace = open(Clock.systemUTC());
		Claim claim = workspace.store()
			.claim(workspace.store().create(NewTask.of("q")), "agent_a")
			.orElseThrow();
		// The agent had staged its answer and linked the done name, then died before unlinking its claim.
		Files.writeString(this.root.resolve(".spool/staging/task_001.agent_a.1234.md"), "the answer");
		Files.createLink(this.root.resolve("tasks/task_001_done.md"), task(claim.file().fileName()));

		Workspace later = open(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));

		assertThat(taskNames()).containsExactly("task_001_done.md");
		assertThat(later.index().find(claim.id()).orElseThrow().state()).isEqualTo(TaskState.DONE);
		assertThat(this.root.resolve("outputs/task_001_result.md")).hasContent("the answer");
	}

	@Test
	void aPairThatMayBeAMoveStillRunningIsLeftAlone() throws IOException {
		Workspace workspace = open(Clock.systemUTC());
		Task task = workspace.store().create(NewTask.of("q"));
		Files.createLink(task("task_001_inprogress_agent_a.md"), task(task.file().fileName()));

		open(Clock.systemUTC());

		assertThat(taskNames()).containsExactly("task_001_inprogress_agent_a.md", "task_001_pending.md");
	}

	@Test
	void aClaimKilledBetweenLinkAndUnlinkIsNotStampedByTheSweepSoThatTheRepairCanFinishIt() throws Exception {
		Workspace workspace = open(Clock.systemUTC());
		Task task = workspace.store().create(NewTask.of("q"));
		// A shell agent's claim: the in-progress name linked, and the agent killed before it unlinked the pending one.
		Path claimed = task("task_001_inprogress_agent_a.md");
		Files.createLink(claimed, task(task.file().fileName()));
		Object changed = Files.getAttribute(claimed, "unix:ctime");
		// Past the kernel's coarse clock tick, so that a stamp by the sweeps would show in the change time.
		Thread.sleep(20);

		TaskFile inProgress = TaskFile.parse("task_001_inprogress_agent_a.md").orElseThrow();
		for (int sweep = 0; sweep < 3; sweep++) {
			assertThat(workspace.store().requeueStale(inProgress, "no heartbeat")).isEmpty();
		}

		assertThat(Files.getAttribute(claimed, "unix:ctime")).as("the file's change time, which the repair waits on")
			.isEqualTo(changed);
		assertThat(taskNames()).containsExactly("task_001_inprogress_agent_a.md", "task_001_pending.md");
		Workspace later = open(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
		assertThat(taskNames()).containsExactly("task_001_inprogress_agent_a.md");
		assertThat(later.store().requeueStale(inProgress, "no heartbeat")).hasValue(TaskState.PENDING);
		assertThat(taskNames()).containsExactly("task_001_pending.md");
	}

	@Test
	void twoFilesThatShareAnIdAreNotOneFileAndAreLeftAlone() throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		Files.writeString(task("task_005_pending.md"), "one");
		Files.writeString(task("task_005_done.md"), "two");

		open(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));

		assertThat(taskNames()).containsExactly("task_005_done.md", "task_005_pending.md");
	}

	@ParameterizedTest(name = "{0} and {1}: keep {2}")
	@CsvSource({ "task_001_pending.md, task_001_inprogress_a.md, task_001_inprogress_a.md",
			"task_001_inprogress_a.md, task_001_done.md, task_001_done.md",
			"task_001_inprogress_a.md, task_001_failed.md, task_001_failed.md",
			"task_001_inprogress_a.md, task_001_cancelled.md, task_001_cancelled.md",
			"task_001_pending.md, task_001_cancelled.md, task_001_cancelled.md",
			"task_001_failed.md, task_001_pending.md, task_001_failed.md",
			"task_001_inprogress_a.md, task_001_inprogress_b.md, both", "task_001_done.md, task_001_failed.md, both",
			"task_001_inprogress_a.md, task_001_waiting_a.md, task_001_waiting_a.md",
			"task_001_waiting_a.md, task_001_inprogress_a.md, task_001_waiting_a.md",
			"task_001_waiting_a.md, task_001_cancelled.md, task_001_cancelled.md",
			"task_001_pending.md, task_001_waiting_a.md, both" })
	void ofTwoNamesOfOneFileTheOneALegalTransitionLeadsToIsKept(String first, String second, String kept)
			throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		Files.writeString(task(first), "prompt");
		Files.createLink(task(second), task(first));

		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		AtomicFiles files = new AtomicFiles(false);
		TaskIndex index = new TaskIndex(layout, new AttemptLog(layout, files), Clock.systemUTC(), 1 << 20,
				(change) -> {
				});
		List<String> removed = new InterruptedMoves(layout, new TaskFiles(layout, files, index))
			.repair(() -> Clock.systemUTC().instant().plusSeconds(60), java.time.Duration.ZERO);

		if (kept.equals("both")) {
			assertThat(removed).isEmpty();
			assertThat(taskNames()).containsExactlyInAnyOrder(first, second);
		}
		else {
			assertThat(taskNames()).containsExactly(kept);
			assertThat(removed).containsExactly(kept.equals(first) ? second : first);
		}
	}

	@Test
	void aRepairThatSkipsAQuietFolderStillFindsAPairMadeLaterAndComesBackForAPairTooYoungToRemove() throws IOException {
		Files.createDirectories(this.root.resolve("tasks"));
		Files.writeString(task("task_001_pending.md"), "prompt");
		AtomicLong nanos = new AtomicLong();
		InterruptedMoves moves = interruptedMoves(nanos);
		Supplier<Instant> soon = () -> Clock.systemUTC().instant();
		Supplier<Instant> later = () -> Clock.systemUTC().instant().plus(Duration.ofMinutes(2));
		// Listed twice more than FolderTimes.MARGIN apart: the folder is then known quiet and no longer listed.
		assertThat(moves.repair(later, Duration.ofMinutes(1))).isEmpty();
		nanos.addAndGet(FolderTimes.MARGIN.toNanos() + 1);
		assertThat(moves.repair(later, Duration.ofMinutes(1))).isEmpty();

		Files.createLink(task("task_001_inprogress_a.md"), task("task_001_pending.md"));
		assertThat(moves.repair(soon, Duration.ofMinutes(1))).as("a pair as young as a move still running").isEmpty();
		nanos.addAndGet(FolderTimes.MARGIN.toNanos() + 1);
		assertThat(moves.repair(soon, Duration.ofMinutes(1))).isEmpty();
		assertThat(moves.repair(later, Duration.ofMinutes(1))).as("the same pair once old, tasks/ unchanged since")
			.containsExactly("task_001_pending.md");

		nanos.addAndGet(FolderTimes.MARGIN.toNanos() + 1);
		assertThat(moves.repair(later, Duration.ofMinutes(1))).isEmpty();
		nanos.addAndGet(FolderTimes.MARGIN.toNanos() + 1);
		assertThat(moves.repair(later, Duration.ofMinutes(1))).isEmpty();
		Files.createLink(task("task_001_done.md"), task("task_001_inprogress_a.md"));
		assertThat(moves.repair(later, Duration.ofMinutes(1))).as("a pair made after the folder was known quiet")
			.containsExactly("task_001_inprogress_a.md");
		assertThat(taskNames()).containsExactly("task_001_done.md");
	}

	private InterruptedMoves interruptedMoves(AtomicLong nanos) {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		AtomicFiles files = new AtomicFiles(false);
		TaskIndex index = new TaskIndex(layout, new AttemptLog(layout, files), Clock.systemUTC(), 1 << 20,
				(change) -> {
				});
		return new InterruptedMoves(layout, new TaskFiles(layout, files, index), nanos::get);
	}

	private Workspace open(Clock clock) throws IOException {
		return Workspace.open(this.root, SETTINGS, clock, (change) -> {
		});
	}

	private Path task(String name) {
		return this.root.resolve("tasks").resolve(name);
	}

	private List<String> taskNames() throws IOException {
		try (Stream<Path> names = Files.list(this.root.resolve("tasks"))) {
			return names.map((path) -> path.getFileName().toString()).sorted().toList();
		}
	}

}
