package dev.spool.budget;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One UTC day of work, from the attempt records of every task, archived ones included.
 *
 * @param day the UTC day
 * @param finished answers published that day
 * @param failed attempts that failed that day (an error, or a claim taken back)
 * @param p50Millis the median time from claim to answer of that day's answers, or null when none was timed
 * @param p95Millis the 95th percentile of it, or null
 * @param tokens tokens the day's attempts used
 * @param costUsd what they cost in US dollars, over the models with a price; null when none has one
 */
public record ActivityDay(LocalDate day, long finished, long failed, Long p50Millis, Long p95Millis, long tokens,
		BigDecimal costUsd) {

	/** The value below which a share of sorted values fall (nearest rank), or null for none. */
	static Long percentile(long[] sorted, double share) {
		if (sorted.length == 0) {
			return null;
		}
		int rank = (int) Math.ceil(share * sorted.length);
		return sorted[Math.min(sorted.length, Math.max(rank, 1)) - 1];
	}

	/**
	 * The median and 95th percentile of the time from claim to answer over some days.
	 *
	 * @param p50Millis the median, or null when no answer was timed
	 * @param p95Millis the 95th percentile, or null
	 */
	public record Percentiles(Long p50Millis, Long p95Millis) {
	}

}
