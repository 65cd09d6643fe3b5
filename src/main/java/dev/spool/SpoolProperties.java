package dev.spool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every {@code spool.*} setting, bound once and validated at start.
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
@Validated
@ConfigurationProperties("spool")
public record SpoolProperties(
		@NotNull @DefaultValue("./workspace") Path workspace,
		@NotNull @DefaultValue("60s") Duration staleAfter,
		@NotNull @DefaultValue("5s") Duration heartbeatInterval,
		@NotNull @DefaultValue("5m") Duration taskTimeout,
		@Min(1) @DefaultValue("3") int maxAttempts,
		@NotNull @DefaultValue("1MB") DataSize maxPromptSize,
		@NotNull @DefaultValue("5s") Duration rescanInterval,
		@DefaultValue("true") boolean watch,
		@NotNull @DefaultValue("1s") Duration wakeInterval,
		@DefaultValue("true") boolean fsync,
		@NotNull @DefaultValue("1s") Duration retryBackoff,
		String apiToken,
		@NotNull @DefaultValue List<String> allowedHosts,
		@Min(1) @DefaultValue("512") int streamBuffer,
		@Min(1) @DefaultValue("16") int maxStreamsPerClient,
		@Min(1) @DefaultValue("12") int maxPlanSteps,
		@Min(2) @DefaultValue("50") int maxPipelineStages,
		@Min(1) @DefaultValue("100") int maxDependencyDepth,
		@Min(1) @DefaultValue("50") int maxToolCalls,
		@Min(1) @DefaultValue("5") int maxDelegationDepth,
		@Min(1) @DefaultValue("100") int maxSubtasks) {
}
