package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.spool.workspace.MoveRaceWorker.Race;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two movers race round after round, in two threads or two JVMs ({@link MoveRaceWorker}), each side with the
 * kernel's rename that refuses to replace or with the fallback of linking and unlinking. Publishing one final name
 * from two files at once: exactly one wins, the other is told the name exists and keeps its file and content; a
 * check-then-rename lets both win in some rounds, one file replacing the other. Claiming one file under two names at
 * once: exactly one wins, and the file keeps one name. Set {@code -Dspool.race.rounds=N} to multiply the 200 rounds
 * for a longer run.
 */
class MoveRaceTests {

	private static final int ROUNDS = 200 * Math.max(1, Integer.getInteger("spool.race.rounds", 1));

	@TempDir
	Path temp;

	private final List<Process> children = new ArrayList<>();

	private ExecutorService threads;

	@AfterEach
	void stopWhatWasStarted() {
		this.children.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
		if (this.threads != null) {
			this.threads.shutdownNow();
		}
	}

	@ParameterizedTest(name = "{0} against {1}")
	@CsvSource({ "rename, rename", "link, link", "rename, link" })
	void twoProcessesPublishingOneNameAtOnceNeverBothWin(String modeOfA, String modeOfB) throws Exception {
		Path folder = prepare(Race.PUBLISH);

		List<List<String>> outcomes = inProcesses(Race.PUBLISH, folder, modeOfA, modeOfB);

		assertOneWinnerAndNothingLostPublishing(folder, outcomes.get(0), outcomes.get(1));
	}

	@ParameterizedTest(name = "{0} against {1}")
	@CsvSource({ "rename, rename", "link, link", "rename, link" })
	void twoThreadsPublishingOneNameAtOnceNeverBothWin(String modeOfA, String modeOfB) throws Exception {
		Path folder = prepare(Race.PUBLISH);

		List<List<String>> outcomes = inThreads(Race.PUBLISH, folder, modeOfA, modeOfB);

		assertOneWinnerAndNothingLostPublishing(folder, outcomes.get(0), outcomes.get(1));
	}

	@ParameterizedTest(name = "{0} against {1}")
	@CsvSource({ "link, link" })
	void twoProcessesClaimingOneFileAtOnceNeverBothWin(String modeOfA, String modeOfB) throws Exception {
		Path folder = prepare(Race.CLAIM);

		List<List<String>> outcomes = inProcesses(Race.CLAIM, folder, modeOfA, modeOfB);

		assertOneWinnerAndOneNameClaiming(folder, outcomes.get(0), outcomes.get(1));
	}

	@ParameterizedTest(name = "{0} against {1}")
	@CsvSource({ "rename, rename", "link, link", "rename, link" })
	void twoThreadsClaimingOneFileAtOnceNeverBothWin(String modeOfA, String modeOfB) throws Exception {
		Path folder = prepare(Race.CLAIM);

		List<List<String>> outcomes = inThreads(Race.CLAIM, folder, modeOfA, modeOfB);

		assertOneWinnerAndOneNameClaiming(folder, outcomes.get(0), outcomes.get(1));
	}

	private static void assertOneWinnerAndNothingLostPublishing(Path folder, List<String> a, List<String> b)
			throws IOException {
		assertThat(a).hasSize(ROUNDS);
		assertThat(b).hasSize(ROUNDS);
		List<String> doubleWins = new ArrayList<>();
		for (int round = 1; round <= ROUNDS; round++) {
			if (a.get(round - 1).equals("won") && b.get(round - 1).equals("won")) {
				doubleWins.add("round " + round);
				continue;
			}
			assertThat(List.of(a.get(round - 1), b.get(round - 1))).as("outcomes of round " + round)
				.containsExactlyInAnyOrder("won", "exists");
			String winner = a.get(round - 1).equals("won") ? "a" : "b";
			String loser = winner.equals("a") ? "b" : "a";
			assertThat(folder.resolve(MoveRaceWorker.done(round))).as("the published file of round " + round)
				.hasContent(MoveRaceWorker.content(round, winner));
			assertThat(folder.resolve(MoveRaceWorker.inProgress(round, winner))).as("the winner's old name")
				.doesNotExist();
			assertThat(folder.resolve(MoveRaceWorker.inProgress(round, loser)))
				.as("the loser's file of round " + round)
				.hasContent(MoveRaceWorker.content(round, loser));
		}
		assertThat(doubleWins).as("rounds that both sides won, one side's file replacing the other's").isEmpty();
		assertThat(names(folder)).as("files: the loser's and the published one of each round").hasSize(2 * ROUNDS);
	}

	private static void assertOneWinnerAndOneNameClaiming(Path folder, List<String> a, List<String> b)
			throws IOException {
		assertThat(a).hasSize(ROUNDS);
		assertThat(b).hasSize(ROUNDS);
		for (int round = 1; round <= ROUNDS; round++) {
			assertThat(List.of(a.get(round - 1), b.get(round - 1))).as("outcomes of round " + round)
				.containsExactlyInAnyOrder("won", "gone");
			String winner = a.get(round - 1).equals("won") ? "a" : "b";
			assertThat(folder.resolve(MoveRaceWorker.inProgress(round, winner))).as("the claim of round " + round)
				.hasContent(MoveRaceWorker.content(round, "nobody"));
		}
		assertThat(names(folder)).as("files: one name for each round's file").hasSize(ROUNDS);
	}

	private List<List<String>> inProcesses(Race race, Path folder, String modeOfA, String modeOfB) throws Exception {
		Path barrier = zeroedBarrier();
		launch(race, "a", modeOfA, folder, barrier);
		launch(race, "b", modeOfB, folder, barrier);
		for (Process child : this.children) {
			assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child finished").isTrue();
		}
		assertThat(this.children).as("exit statuses; logs: %s", logs())
			.allSatisfy((child) -> assertThat(child.exitValue()).isZero());
		return List.of(tally("a"), tally("b"));
	}

	private List<List<String>> inThreads(Race race, Path folder, String modeOfA, String modeOfB) throws Exception {
		Path barrier = zeroedBarrier();
		this.threads = Executors.newFixedThreadPool(2);
		Future<List<String>> a = this.threads.submit(() -> play(race, modeOfA, folder, barrier, "a"));
		Future<List<String>> b = this.threads.submit(() -> play(race, modeOfB, folder, barrier, "b"));
		return List.of(a.get(120, TimeUnit.SECONDS), b.get(120, TimeUnit.SECONDS));
	}

	private static List<String> play(Race race, String mode, Path folder, Path barrierFile, String side)
			throws Exception {
		try (MoveRaceWorker.Barrier barrier = new MoveRaceWorker.Barrier(barrierFile, side.equals("a") ? 0 : 1)) {
			return race.play(MoveRaceWorker.files(mode), folder, side, ROUNDS, barrier);
		}
	}

	/** Writes each round's files; a pending file to claim holds the answer of nobody. */
	private Path prepare(Race race) throws IOException {
		Path folder = Files.createDirectories(this.temp.resolve("tasks"));
		for (int round = 1; round <= ROUNDS; round++) {
			if (race == Race.CLAIM) {
				Files.writeString(folder.resolve(MoveRaceWorker.pending(round)),
						MoveRaceWorker.content(round, "nobody"));
				continue;
			}
			for (String side : List.of("a", "b")) {
				Files.writeString(folder.resolve(MoveRaceWorker.inProgress(round, side)),
						MoveRaceWorker.content(round, side));
			}
		}
		return folder;
	}

	private Path zeroedBarrier() throws IOException {
		return Files.write(this.temp.resolve("barrier"), new byte[2 * Long.BYTES]);
	}

	private void launch(Race race, String side, String mode, Path folder, Path barrier) throws IOException {
		this.children.add(ChildJvm.start(MoveRaceWorker.class, this.temp.resolve(side + ".log"), race.name(), mode,
				folder.toString(), side, String.valueOf(ROUNDS), barrier.toString(),
				this.temp.resolve(side + ".tally").toString()));
	}

	private List<String> tally(String side) throws IOException {
		return Files.readAllLines(this.temp.resolve(side + ".tally"), StandardCharsets.UTF_8);
	}

	private String logs() throws IOException {
		return "a: " + Files.readString(this.temp.resolve("a.log")) + "b: "
				+ Files.readString(this.temp.resolve("b.log"));
	}

	private static List<String> names(Path folder) throws IOException {
		try (Stream<Path> names = Files.list(folder)) {
			return names.map((path) -> path.getFileName().toString()).toList();
		}
	}

}
