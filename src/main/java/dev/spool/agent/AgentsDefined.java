package dev.spool.agent;

import java.util.Collection;
import java.util.List;

/**
 * The agents' definitions as {@code agents/} says now: published when Spool starts its agents and whenever the
 * folder changed, before any slot claims under the new definitions.
 */
public record AgentsDefined(Collection<AgentDefinition> definitions) {

	public AgentsDefined {
		definitions = List.copyOf(definitions);
	}

}
