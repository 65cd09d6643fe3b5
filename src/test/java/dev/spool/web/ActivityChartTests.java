package dev.spool.web;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import dev.spool.MutableClock;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.spool.workspace.TaskBuilder.aTask;

/** The board's chart: each minute of the last half hour, and each agent's pace, error rate and latency. */
class ActivityChartTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	@Test
	void eachMinuteAndEachAgentOfTheLastHalfHour() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(changed) -> {
				});
		TaskStore store = workspace.store();
		Task old = store.create(aTask("Finished long ago").build());
		store.complete(store.claim(old, "agent_a").orElseThrow(), new Answer("Old", "m", false, null));
		this.clock.advance(Duration.ofHours(1));
		for (int i = 0; i < 2; i++) {
			Task task = store.create(aTask("Done " + i).build());
			var claim = store.claim(task, "agent_a").orElseThrow();
			this.clock.advance(Duration.ofMillis(1500));
			store.complete(claim, new Answer("Answer " + i, "m", false, null));
		}
		Task failing = store.create(aTask("Fails once").build());
		store.fail(store.claim(failing, "agent_b").orElseThrow(), "boom");

		ActivityChart.Chart chart = new ActivityChart(workspace.index(), this.clock).chart();

		assertThat(chart.finished()).as("finished in the last half hour").isEqualTo(2);
		assertThat(chart.maxLatencyMillis()).isEqualTo(1500);
		assertThat(chart.peakLatency()).isEqualTo("1.5 s");
		assertThat(chart.agents()).containsExactly(
				new ActivityChart.AgentPace("agent_a", 2, 0, "0.1", "1.5 s", "0 %"),
				new ActivityChart.AgentPace("agent_b", 0, 1, "0.0", "–", "100 %"));
		JsonNode series = JsonMapper.builder().build().readTree(chart.json());
		assertThat(series.path("minutes")).hasSize(ActivityChart.MINUTES);
		assertThat(series.path("finished").get(ActivityChart.MINUTES - 1).asLong()).isEqualTo(2);
		assertThat(series.path("failed").get(ActivityChart.MINUTES - 1).asLong()).isEqualTo(1);
		assertThat(series.path("latencyMs").get(ActivityChart.MINUTES - 1).asLong()).isEqualTo(1500);
		assertThat(series.path("latencyMs").get(0).isNull()).as("a minute with nothing finished").isTrue();
		workspace.close();
	}

	@Test
	void failedAttemptsAreCountedFromTheRecordsSoARestartForgetsNone() throws IOException {
		Workspace first = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock, (changed) -> {
		});
		Task failing = first.store().create(aTask("Fails twice").build());
		first.store().fail(first.store().claim(failing, "agent_b").orElseThrow(), "boom");
		first.store().fail(first.store().claim(first.index().find(failing.id()).orElseThrow(), "agent_b").orElseThrow(),
				"boom again");
		first.close();

		Workspace restarted = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3), this.clock,
				(changed) -> {
				});
		ActivityChart.Chart chart = new ActivityChart(restarted.index(), this.clock).chart();

		assertThat(chart.agents()).containsExactly(new ActivityChart.AgentPace("agent_b", 0, 2, "0.0", "–", "100 %"));
		restarted.close();
	}

	@Test
	void latenciesAreSaidInTheUnitThatReadsBest() {
		assertThat(Ages.latency(450)).isEqualTo("450 ms");
		assertThat(Ages.latency(1500)).isEqualTo("1.5 s");
		assertThat(Ages.latency(120_330)).isEqualTo("2 min");
	}

}
