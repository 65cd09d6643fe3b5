package dev.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code spool.*} setting, bound once and checked at start: a value out of range stops Spool with its name and
 * the rule it breaks.
 *
 * @param workspace the shared folder that is the only state store
 * @param staleAfter how long a claim's heartbeat may stay unchanged before the claim is taken back
 * @param heartbeatInterval how often a working agent touches its claim, and how often claims are judged
 * @param taskTimeout how long one attempt (one model call) may take before it is abandoned
 * @param maxAttempts attempts before a task becomes failed, unless its front matter says otherwise
 * @param maxPromptSize the largest prompt accepted from the API
 * @param rescanInterval the period of the full rescan that backs up the file watcher
 * @param watch whether to listen for the filesystem's change events; without them (other NFS clients' changes raise
 * none) changes are read by the rescan alone
 * @param wakeInterval how often idle agents look for work though nothing woke them: a safety net behind the wakes on
 * file events, task creation and the end of a file's settling time
 * @param fsync whether files are flushed to disk before the rename that publishes them
 * @param retryBackoff the pause an agent takes after a failed attempt, doubled per consecutive failure
 * @param apiToken when set, every API call needs it as a bearer token and every page a login with it
 * @param allowedHosts host names, besides this machine's own, that requests may be addressed to
 * @param streamBuffer how many events may wait for one live-stream client (a dashboard tab) before it is dropped as
 * too slow; it catches up when it reconnects
 * @param maxStreamsPerClient how many event streams one client address may hold open at once; a new one ends its
 * oldest. Behind a proxy every client has the proxy's address
 * @param maxPlanSteps the most steps a goal's plan may have; a longer plan is refused
 * @param maxPipelineStages the most stages a pipeline may have; a longer one is refused before anything is written
 * @param maxDependencyDepth the longest chain of unfinished tasks, each depending on the next, that a new task may
 * depend on; a longer chain is refused before anything is written, and one written by hand is flagged
 * @param maxToolCalls the most tool calls a model agent's conversation about one task may ask for, across its
 * attempts; one more fails the task
 * @param maxDelegationDepth how many subtasks deep a task may sit, each submitted by the one above ({@code parent})
 * @param maxSubtasks how many subtasks one task may submit in all
 */
@ConfigurationProperties("spool")
public record SpoolProperties(
		@DefaultValue("./workspace") Path workspace,
		@DefaultValue("60s") Duration staleAfter,
		@DefaultValue("5s") Duration heartbeatInterval,
		@DefaultValue("5m") Duration taskTimeout,
		@DefaultValue("3") int maxAttempts,
		@DefaultValue("1MB") DataSize maxPromptSize,
		@DefaultValue("5s") Duration rescanInterval,
		@DefaultValue("true") boolean watch,
		@DefaultValue("1s") Duration wakeInterval,
		@DefaultValue("true") boolean fsync,
		@DefaultValue("1s") Duration retryBackoff,
		String apiToken,
		@DefaultValue List<String> allowedHosts,
		@DefaultValue("512") int streamBuffer,
		@DefaultValue("16") int maxStreamsPerClient,
		@DefaultValue("12") int maxPlanSteps,
		@DefaultValue("50") int maxPipelineStages,
		@DefaultValue("100") int maxDependencyDepth,
		@DefaultValue("50") int maxToolCalls,
		@DefaultValue("5") int maxDelegationDepth,
		@DefaultValue("100") int maxSubtasks) {

	public SpoolProperties {
		atLeast("max-attempts", maxAttempts, 1);
		atLeast("stream-buffer", streamBuffer, 1);
		atLeast("max-streams-per-client", maxStreamsPerClient, 1);
		atLeast("max-plan-steps", maxPlanSteps, 1);
		atLeast("max-pipeline-stages", maxPipelineStages, 2);
		atLeast("max-dependency-depth", maxDependencyDepth, 1);
		atLeast("max-tool-calls", maxToolCalls, 1);
		atLeast("max-delegation-depth", maxDelegationDepth, 1);
		atLeast("max-subtasks", maxSubtasks, 1);
	}

	private static void atLeast(String name, int value, int least) {
		if (value < least) {
			throw new IllegalArgumentException("spool." + name + " must be at least " + least + ", not " + value);
		}
	}
}
