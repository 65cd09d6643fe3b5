package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate agent process for {@link ClaimRaceTests}, and the claiming loop that the tests' threads share with it.
 * Run as {@code java -cp ... dev.spool.workspace.ClaimRaceWorker <mode> ...}:
 * <ul>
 * <li>{@code drain <root> <agent> <tally> <ready> <go> <pauseMillis> <expectedTasks>}: claims and completes tasks
 * until none has been claimable for a second (or every expected task is finished), then writes the ids it completed,
 * one a line, to {@code <tally>};</li>
 * <li>{@code create <root> <count> <tally> <ready> <go>}: creates tasks and writes their ids to {@code <tally>}.</li>
 * </ul>
 * Both create {@code <ready>} once the workspace is open (a draining one after a warm-up on a scratch workspace beside
 * its tally) and wait for {@code <go>} to exist before they start, so that the processes really overlap. Exit status 0
 * means every step went as the protocol promises.
 */
final class ClaimRaceWorker {

	static final Workspace.Settings SETTINGS = new Workspace.Settings(false, 64 * 1024, 3);

	/** How often a claiming loop rescans even when it has work, as the service's watcher does. */
	static final Duration RESCAN_INTERVAL = Duration.ofMillis(100);

	/** Tasks a child claims and completes on a scratch workspace of its own before it says it is ready. */
	private static final int WARM_UP_TASKS = 300;

	/** How long a child waits for the go signal. */
	static final Duration PATIENCE = Duration.ofSeconds(120);

	private ClaimRaceWorker() {
	}

	public static void main(String[] args) throws Exception {
		try {
			String mode = args[0];
			Path root = Path.of(args[1]);
			if (mode.equals("drain")) {
				String agent = args[2];
				Path tally = Path.of(args[3]);
				Workspace workspace = open(root);
				warmUp(agent, tally.resolveSibling(agent + ".warm-up"));
				signalAndWait(Path.of(args[4]), Path.of(args[5]));
				Tally result = drain(workspace, agent, Long.parseLong(args[6]), Integer.parseInt(args[7]),
						Duration.ofSeconds(1));
				writeLines(tally, result.completed().stream().map(TaskId::text).toList());
				System.out.println(result);
				if (!result.lostCompletions.isEmpty()) {
					// Nobody takes a claim back in these races, so a won claim must complete.
					throw new IllegalStateException("completions lost without a requeue: " + result.lostCompletions);
				}
			}
			else if (mode.equals("create")) {
				int count = Integer.parseInt(args[2]);
				Path tally = Path.of(args[3]);
				Workspace workspace = open(root);
				signalAndWait(Path.of(args[4]), Path.of(args[5]));
				List<String> ids = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					ids.add(workspace.store().create(NewTask.of("created by a child process, #" + i)).id().text());
				}
				writeLines(tally, ids);
			}
			else {
				throw new IllegalArgumentException("unknown mode " + mode);
			}
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			System.exit(2);
		}
		System.exit(0);
	}

	/**
	 * Claims and completes tasks of a scratch workspace of this process's own before the race, so that its claims in
	 * the race run as warm as those of the test's JVM, which has run many tests before this one: cold, the children's
	 * first claims came after the parent had taken nearly every task, and the race the test is about did not happen.
	 */
	private static void warmUp(String agent, Path scratch) throws IOException, InterruptedException {
		Workspace workspace = open(scratch);
		try {
			for (int i = 0; i < WARM_UP_TASKS; i++) {
				workspace.store().create(NewTask.of("warm-up #" + i));
			}
			drain(workspace, agent, 0, WARM_UP_TASKS, Duration.ofSeconds(1));
		}
		finally {
			workspace.close();
		}
	}

	static Workspace open(Path root) throws IOException {
		return Workspace.open(root, SETTINGS, Clock.systemUTC(), (change) -> {
		});
	}

	/** The text an agent publishes, which names it. */
	static String answerText(String agent, TaskId id) {
		return "answer to " + id.text() + " by " + agent;
	}

	/**
	 * Claims and completes tasks as one agent. Like the service, whose watcher hints at changes and rescans every few
	 * seconds, it rescans when nothing is claimable and every {@link #RESCAN_INTERVAL} whatever else happens. It stops
	 * once at least {@code expectedTasks} tasks are known and all are finished, or when nothing has been claimable for
	 * {@code quiet}.
	 * @param pauseMillis how long each piece of work takes, so that competitors overlap
	 */
	static Tally drain(Workspace workspace, String agent, long pauseMillis, int expectedTasks, Duration quiet)
			throws InterruptedException {
		TaskStore store = workspace.store();
		TaskIndex index = workspace.index();
		Tally tally = new Tally(agent);
		Duration patience = Duration.ofSeconds(60).plus(Duration.ofMillis(200).multipliedBy(expectedTasks));
		long deadline = System.nanoTime() + patience.toNanos();
		long idleSince = System.nanoTime();
		long nextRescan = System.nanoTime() + RESCAN_INTERVAL.toNanos();
		while (true) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(agent + " was still working after " + patience + "; " + tally);
			}
			if (System.nanoTime() > nextRescan) {
				index.rescan();
				nextRescan = System.nanoTime() + RESCAN_INTERVAL.toNanos();
			}
			List<Task> candidates = index.claimable(agent, 8);
			if (candidates.isEmpty()) {
				index.rescan();
				nextRescan = System.nanoTime() + RESCAN_INTERVAL.toNanos();
				candidates = index.claimable(agent, 8);
			}
			if (candidates.isEmpty()) {
				if (allFinished(index, expectedTasks) || System.nanoTime() - idleSince > quiet.toNanos()) {
					return tally;
				}
				Thread.sleep(5);
				continue;
			}
			idleSince = System.nanoTime();
			for (Task candidate : candidates) {
				Claim claim = store.claim(candidate, agent).orElse(null);
				if (claim == null) {
					tally.lostClaims++;
					if (stillOfferedThoughGone(workspace, candidate)) {
						tally.staleOffers++;
					}
					continue;
				}
				tally.claimed.add(claim.id());
				if (pauseMillis > 0) {
					TimeUnit.MILLISECONDS.sleep(pauseMillis);
				}
				if (store.complete(claim, new Answer(answerText(agent, claim.id()), "race-model", true, null))) {
					tally.completed.add(claim.id());
				}
				else {
					tally.lostCompletions.add(claim.id());
				}
				// Look again after every piece of work, as an agent's worker does.
				break;
			}
		}
	}

	/**
	 * Whether the index still offers a task as pending right after a claim on it was lost, although its pending file
	 * is gone: the lost claim proved the index wrong, and an agent that is offered it again only spins.
	 */
	private static boolean stillOfferedThoughGone(Workspace workspace, Task lost) {
		boolean offered = workspace.index()
			.claimable("probe", Integer.MAX_VALUE)
			.stream()
			.anyMatch((task) -> task.id().equals(lost.id()) && task.file().equals(lost.file()));
		return offered && !Files.exists(workspace.layout().task(lost.file()), LinkOption.NOFOLLOW_LINKS);
	}

	private static boolean allFinished(TaskIndex index, int expectedTasks) {
		List<Task> all = index.all();
		return expectedTasks > 0 && all.size() >= expectedTasks
				&& all.stream().allMatch((task) -> task.state().isFinished());
	}

	private static void signalAndWait(Path ready, Path go) throws IOException, InterruptedException {
		Files.writeString(ready, "ready");
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!Files.exists(go)) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("no go signal at " + go + " within " + PATIENCE);
			}
			Thread.sleep(2);
		}
	}

	private static void writeLines(Path file, List<String> lines) throws IOException {
		// Written under another name first, so that the test never reads half a tally.
		Path temp = file.resolveSibling(file.getFileName() + ".partial");
		Files.write(temp, lines, StandardCharsets.UTF_8);
		Files.move(temp, file);
	}

	/** What one agent did. */
	static final class Tally {

		final String agent;

		final List<TaskId> claimed = new ArrayList<>();

		final List<TaskId> completed = new ArrayList<>();

		final List<TaskId> lostCompletions = new ArrayList<>();

		int lostClaims;

		/** Lost claims after which the index still offered the task as pending, its pending file being gone. */
		int staleOffers;

		Tally(String agent) {
			this.agent = agent;
		}

		@Override
		public String toString() {
			return this.agent + " claimed " + this.claimed.size() + ", completed " + this.completed.size() + ", lost "
					+ this.lostClaims + " claims (" + this.staleOffers + " still offered though gone) and "
					+ this.lostCompletions.size() + " completions";
		}

		List<TaskId> claimed() {
			return this.claimed;
		}

		List<TaskId> completed() {
			return this.completed;
		}

	}

}
