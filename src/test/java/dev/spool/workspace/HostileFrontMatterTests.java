package dev.spool.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import dev.spool.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-written task files whose front matter is hostile: the workspace opens, they are flagged, the rest run. */
class HostileFrontMatterTests {

	private static final int GOOD_TASKS = 40;

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void aWorkspaceWithHostileFrontMatterOpensFlagsTheBadFilesAndOffersEveryGoodOne() throws IOException {
		Path tasks = Files.createDirectories(this.root.resolve("tasks"));
		List<TaskId> good = new ArrayList<>();
		for (int number = 1; number <= GOOD_TASKS; number++) {
			good.add(TaskId.of(number));
			Files.writeString(tasks.resolve(TaskId.of(number) + "_pending.md"), goodTask(number));
		}
		Map<Integer, String> hostile = Map.of(
				101, "---\ntitle: null in a list\ndepends_on: [~]\n---\nprompt\n",
				102, HostileYaml.billionLaughs("title"),
				103, "---\ntitle: " + "[".repeat(5000) + "]".repeat(5000) + "\n---\nprompt\n",
				104, "---\ntitle: [a, list]\n---\nprompt\n");
		hostile.forEach((number, text) -> write(tasks.resolve(TaskId.of(number) + "_pending.md"), text));

		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock,
				(change) -> {
				});
		this.clock.advance(Duration.ofSeconds(1));

		TaskIndex index = workspace.index();
		assertThat(index.size()).isEqualTo(GOOD_TASKS + hostile.size());
		assertThat(problem(index, 101)).isEqualTo("depends_on: item 1 is empty, not a task id");
		assertThat(problem(index, 102)).startsWith("front matter cannot be read: ").contains("aliases");
		assertThat(problem(index, 103)).startsWith("front matter cannot be read: ").containsIgnoringCase("nesting");
		assertThat(problem(index, 104)).isEqualTo("title: is a list, not text");
		List<Task> claimable = index.claimable("agent_a", 1000);
		assertThat(claimable).extracting(Task::id).containsExactlyInAnyOrderElementsOf(good);
		for (Task task : claimable) {
			assertThat(workspace.store().claim(task, "agent_a")).isPresent();
		}
		assertThat(index.claimable("agent_a", 1000)).isEmpty();
		try (Stream<Path> files = Files.list(tasks)) {
			assertThat(files.map((path) -> path.getFileName().toString()))
				.filteredOn((name) -> name.endsWith("_pending.md"))
				.containsExactlyInAnyOrder("task_101_pending.md", "task_102_pending.md", "task_103_pending.md",
						"task_104_pending.md");
		}
	}

	@Test
	void aFailureWhileReadingOneTaskFlagsItWithAOneLineReasonInsteadOfThrowing() throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		Files.writeString(layout.tasks().resolve("task_001_pending.md"), "Prompt\n");
		TaskReader reader = new TaskReader(layout, new AttemptLog(layout, new AtomicFiles(false)), this.clock, 1024);

		Clock broken = new Clock() {

			@Override
			public Instant instant() {
				throw new IllegalStateException("a bug\nwith a second line");
			}

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

		};

		Task task = reader.load(TaskId.of(1), Set.of("task_001_pending.md"), null, true, new WholeFiles(broken, (name) -> {
		}));

		assertThat(task.problem()).isEqualTo("the task file could not be read: a bug");
		assertThat(task.isClaimableBy("agent_a")).isFalse();
	}

	@Test
	void extremePrioritiesAreTakenInOrder() throws IOException {
		Path tasks = Files.createDirectories(this.root.resolve("tasks"));
		Files.writeString(tasks.resolve("task_001_pending.md"), "---\npriority: -2147483648\n---\nLast\n");
		Files.writeString(tasks.resolve("task_002_pending.md"), "---\npriority: 2147483647\n---\nFirst\n");
		Files.writeString(tasks.resolve("task_003_pending.md"), "Between\n");

		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock,
				(change) -> {
				});
		this.clock.advance(Duration.ofSeconds(1));

		assertThat(workspace.index().claimable("agent_a", 10)).extracting(Task::id)
			.containsExactly(TaskId.of(2), TaskId.of(3), TaskId.of(1));
	}

	@Test
	void aListenerThatFailsOnOneChangeDoesNotCostTheOthersTheirs() throws IOException {
		Path tasks = Files.createDirectories(this.root.resolve("tasks"));
		for (int number = 1; number <= 3; number++) {
			Files.writeString(tasks.resolve(TaskId.of(number) + "_pending.md"), "Prompt " + number + "\n");
		}
		List<TaskId> told = new ArrayList<>();

		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock,
				(change) -> {
					if (change.id().equals(TaskId.of(2))) {
						throw new IllegalStateException("listener bug");
					}
					told.add(change.id());
				});

		assertThat(workspace.index().size()).isEqualTo(3);
		assertThat(told).containsExactlyInAnyOrder(TaskId.of(1), TaskId.of(3));
	}

	private static String goodTask(int number) {
		return switch (number % 4) {
			case 0 -> "Plain prompt " + number + "\n";
			case 1 -> "---\ntitle: Task " + number + "\npriority: " + (number - 20) + "\n---\nPrompt " + number + "\n";
			case 2 -> "---\ndepends_on:\nmax_attempts: 2\ncreated_at: 2026-11-25 10:00:00\n---\nPrompt\n";
			default -> "---\ntitle: \"Quoted \\u263A\"\nnotes: {free: [form, 1, ~]}\n---\nPrompt " + number + "\n";
		};
	}

	private static String problem(TaskIndex index, int number) {
		Task task = index.find(TaskId.of(number)).orElseThrow();
		assertThat(task.isClaimableBy("agent_a")).isFalse();
		return task.problem();
	}

	private static void write(Path path, String text) {
		try {
			Files.writeString(path, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
