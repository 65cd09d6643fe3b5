package dev.spool.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskQueries;

import org.springframework.stereotype.Component;

/** The pace of the last half hour: tasks finished per minute, and the model's mean latency in each minute. */
@Component
class ActivityChart {

	static final int MINUTES = 30;

	static final int WIDTH = 300;

	static final int HEIGHT = 60;

	private final TaskIndex index;

	private final Clock clock;

	ActivityChart(TaskIndex index, Clock clock) {
		this.index = index;
		this.clock = clock;
	}

	Chart chart() {
		Instant end = this.clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
		Instant start = end.minus(Duration.ofMinutes(MINUTES));
		long[] finished = new long[MINUTES];
		long[] latencySum = new long[MINUTES];
		for (TaskQueries.Finish finish : this.index.queries().finishedBetween(start, end)) {
			int minute = (int) Duration.between(start, finish.at()).toMinutes();
			finished[minute]++;
			if (finish.startedAt() != null) {
				latencySum[minute] += Duration.between(finish.startedAt(), finish.at()).toMillis();
			}
		}
		long maxFinished = 1;
		long maxLatency = 1;
		long[] latency = new long[MINUTES];
		long total = 0;
		for (int i = 0; i < MINUTES; i++) {
			latency[i] = (finished[i] > 0) ? latencySum[i] / finished[i] : 0;
			maxFinished = Math.max(maxFinished, finished[i]);
			maxLatency = Math.max(maxLatency, latency[i]);
			total += finished[i];
		}
		int barWidth = WIDTH / MINUTES;
		List<Bar> bars = new ArrayList<>();
		StringBuilder line = new StringBuilder();
		for (int i = 0; i < MINUTES; i++) {
			int height = (int) Math.round((double) finished[i] / maxFinished * (HEIGHT - 4));
			int x = i * barWidth;
			bars.add(new Bar(x + 1, HEIGHT - height, barWidth - 2, height,
					finished[i] + " finished, " + ((finished[i] > 0) ? latency[i] + " ms mean latency" : "no latency")
							+ ", " + (MINUTES - i - 1) + " min ago"));
			if (finished[i] > 0) {
				long y = HEIGHT - Math.round((double) latency[i] / maxLatency * (HEIGHT - 4));
				line.append(x + barWidth / 2).append(',').append(y).append(' ');
			}
		}
		return new Chart(bars, line.toString().strip(), total, maxLatency);
	}

	/**
	 * The chart, ready to draw as SVG.
	 *
	 * @param bars one bar per minute
	 * @param latencyPoints the latency line's points
	 * @param finished tasks finished in the whole window
	 * @param maxLatencyMillis the highest per-minute mean latency
	 */
	record Chart(List<Bar> bars, String latencyPoints, long finished, long maxLatencyMillis) {
	}

	/** One minute's bar. */
	record Bar(int x, int y, int width, int height, String label) {
	}

}
