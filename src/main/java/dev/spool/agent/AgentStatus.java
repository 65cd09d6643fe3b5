package dev.spool.agent;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What an agent is doing, for the API and the dashboard.
 *
 * @param name the agent's name
 * @param defined whether {@code agents/} defines it; an undefined one is an outside program seen claiming tasks
 * @param model the model it asks, or null for the default (or when it runs a command)
 * @param command the program it runs for each attempt instead of asking a model, as its argument vector; empty when
 * it asks a model
 * @param state idle, working or stale
 * @param currentTasks the tasks it holds now
 * @param done tasks it finished
 * @param failed tasks that failed in its hands
 * @param lastHeartbeat when it last showed it was alive, or null
 * @param concurrency how many tasks it works on at once
 * @param roles what it is for
 * @param systemPrompt its instructions
 * @param pausedUntil when it takes tasks again, while it pauses after a failed attempt ({@code spool.retry-backoff});
 * null otherwise
 * @param pausedBecause the error of the attempt it pauses after, or null
 * @param tools what its model may use: {@code spool} and the names of MCP servers in {@code mcp.json}
 * @param quiet whether it takes no new task, finishing what it holds: {@code agents/<name>.quiet} is there
 * @param quietBecause why, as the marker's one line says; null when it is not quiet, empty when the marker says
 * nothing
 */
public record AgentStatus(String name, boolean defined, String model, List<String> command, State state,
		List<String> currentTasks, long done, long failed, Instant lastHeartbeat, int concurrency, List<String> roles,
		String systemPrompt, Instant pausedUntil, String pausedBecause, List<String> tools, boolean quiet,
		String quietBecause) {

	/** What an agent is doing. */
	public enum State {

		IDLE, WORKING, STALE;

		@com.fasterxml.jackson.annotation.JsonValue
		public String word() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
