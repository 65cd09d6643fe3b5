package dev.spool.web;

import dev.spool.SpoolProperties;
import dev.spool.workspace.TaskIndex;

/**
 * What an outside agent needs to know of this Spool process's settings, in milliseconds so that a shell script can
 * read them with {@code grep}.
 *
 * @param staleAfterMs how long a claim's file may stay untouched before it is taken back and the attempt counted
 * @param heartbeatIntervalMs how often Spool's own agents touch their claims; an outside agent should touch at least
 * this often
 * @param maxAttempts attempts before a task fails, unless its front matter says otherwise
 * @param rescanIntervalMs how often the whole workspace is read again, the longest a change may take to be seen
 * @param settleMs how long Spool's agents leave a task file written by someone else untouched before taking it
 */
record ProtocolSettings(long staleAfterMs, long heartbeatIntervalMs, int maxAttempts, long rescanIntervalMs,
		long settleMs) {

	static ProtocolSettings of(SpoolProperties properties) {
		return new ProtocolSettings(properties.staleAfter().toMillis(), properties.heartbeatInterval().toMillis(),
				properties.maxAttempts(), properties.rescanInterval().toMillis(), TaskIndex.SETTLE.toMillis());
	}

}
