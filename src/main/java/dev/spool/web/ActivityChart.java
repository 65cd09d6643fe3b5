package dev.spool.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.spool.workspace.Attempt;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskQueries;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * The pace of the last half hour, per minute and per agent: tasks finished, failed attempts, and the mean time from
 * claim to answer, all from the attempt records, so that a restart forgets none. The page draws it with uPlot from {@link Chart#json()}, and lists it per agent as a table.
 */
@Component
class ActivityChart {

	static final int MINUTES = 30;

	private static final JsonMapper JSON = JsonMapper.builder().build();

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
		long[] failed = new long[MINUTES];
		long[] latencySum = new long[MINUTES];
		long[] timed = new long[MINUTES];
		Map<String, long[]> agents = new TreeMap<>(); // finished, failed, latency sum, timed
		for (TaskQueries.Finish finish : this.index.queries().finishedBetween(start, end)) {
			int minute = (int) Duration.between(start, finish.at()).toMinutes();
			finished[minute]++;
			String agent = agentOf(finish);
			long[] pace = agents.computeIfAbsent(agent, (name) -> new long[4]);
			pace[0]++;
			if (finish.startedAt() != null) {
				long millis = Duration.between(finish.startedAt(), finish.at()).toMillis();
				latencySum[minute] += millis;
				timed[minute]++;
				pace[2] += millis;
				pace[3]++;
			}
		}
		for (TaskQueries.Finish failure : this.index.queries().failedBetween(start, end)) {
			failed[(int) Duration.between(start, failure.at()).toMinutes()]++;
			agents.computeIfAbsent(agentOf(failure), (name) -> new long[4])[1]++;
		}
		List<Long> times = new ArrayList<>();
		List<Long> latency = new ArrayList<>();
		long total = 0;
		long maxLatency = 0;
		for (int i = 0; i < MINUTES; i++) {
			times.add(start.plus(Duration.ofMinutes(i)).getEpochSecond());
			Long mean = (timed[i] > 0) ? latencySum[i] / timed[i] : null;
			latency.add(mean);
			total += finished[i];
			maxLatency = Math.max(maxLatency, (mean != null) ? mean : 0);
		}
		List<AgentPace> paces = new ArrayList<>();
		agents.forEach((name, pace) -> paces.add(AgentPace.of(name, pace)));
		Series series = new Series(times, toList(finished), toList(failed), latency);
		return new Chart(total, maxLatency, paces, JSON.writeValueAsString(series));
	}

	private String agentOf(TaskQueries.Finish finish) {
		return this.index.find(finish.id())
			.filter((task) -> finish.index() < task.history().size())
			.map((task) -> task.history().get(finish.index()))
			.map(Attempt::agent)
			.orElse("?");
	}

	private static List<Long> toList(long[] values) {
		List<Long> list = new ArrayList<>(values.length);
		for (long value : values) {
			list.add(value);
		}
		return list;
	}

	/**
	 * The chart's data, for uPlot: one entry per minute in each list.
	 *
	 * @param minutes each minute's start, in seconds since the epoch
	 * @param finished tasks finished in it
	 * @param failed failed attempts in it
	 * @param latencyMs mean milliseconds from claim to answer of those finished, or null
	 */
	record Series(List<Long> minutes, List<Long> finished, List<Long> failed, List<Long> latencyMs) {
	}

	/**
	 * The chart.
	 *
	 * @param finished tasks finished in the whole window
	 * @param maxLatencyMillis the highest per-minute mean latency
	 * @param agents the pace of each agent that finished or failed something in the window
	 * @param json the {@link Series} as JSON
	 */
	record Chart(long finished, long maxLatencyMillis, List<AgentPace> agents, String json) {

		/** The highest per-minute mean latency as the page says it: {@code 1.5 s}, {@code 2 min}. */
		public String peakLatency() {
			return Ages.latency(this.maxLatencyMillis);
		}

	}

	/**
	 * One agent's pace over the window.
	 *
	 * @param agent its name
	 * @param finished tasks it finished
	 * @param failed its failed attempts
	 * @param perMinute tasks finished per minute, over the window
	 * @param meanLatency mean time from claim to answer, or a dash
	 * @param errorRate failed attempts among its attempts, as a percentage
	 */
	record AgentPace(String agent, long finished, long failed, String perMinute, String meanLatency, String errorRate) {

		static AgentPace of(String agent, long[] pace) {
			long attempts = pace[0] + pace[1];
			return new AgentPace(agent, pace[0], pace[1],
					String.format(Locale.ROOT, "%.1f", (double) pace[0] / MINUTES),
					(pace[3] > 0) ? Ages.latency(pace[2] / pace[3]) : "–",
					(attempts > 0) ? Math.round(100.0 * pace[1] / attempts) + " %" : "–");
		}

	}

}
