package dev.spool.web;

import java.util.ArrayList;
import java.util.List;

import dev.spool.agent.AgentCatalog;
import dev.spool.agent.AgentDefinition;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/**
 * The queue as a pending task's page shows it: its place in each agent's line ("3rd of 40 waiting for agent_a"), from
 * the index's own taking order, and what holds it back that the page does not already say (its dependencies and
 * budgets are shown apart): a pipeline's stage before it, a goal kept for the orchestrator, no agent that may take it.
 */
@Component
class TaskQueue {

	/** Agents whose line is shown; more would say little more. */
	private static final int AGENTS = 3;

	private final TaskIndex index;

	private final AgentCatalog catalog;

	TaskQueue(TaskIndex index, AgentCatalog catalog) {
		this.index = index;
		this.catalog = catalog;
	}

	/** Where a pending task stands, or null for a task in any other state. */
	View of(Task task) {
		if (task.state() != TaskState.PENDING) {
			return null;
		}
		List<String> waits = new ArrayList<>();
		if (!this.index.rulesAllow(task)) {
			waits.add((task.document().pipeline() != null)
					? "the stage before it in " + task.document().pipeline().pipeline() + " to start or finish"
					: (task.document().kind() == TaskDocument.Kind.GOAL) ? "the orchestrator" : "a rule of a feature");
		}
		List<AgentDefinition> takers = this.catalog.mayTake(task);
		if (takers.isEmpty()) {
			String named = task.document().agent();
			waits.add((named != null) ? named + ", which agents/ does not define: an outside program must take it"
					: (task.document().role() != null) ? "an agent with the role " + task.document().role()
							+ ": none defined in agents/ lists it" : "an agent: none is defined in agents/");
		}
		List<String> places = new ArrayList<>();
		for (AgentDefinition agent : takers.stream().limit(AGENTS).toList()) {
			TaskIndex.QueuePlace place = this.index.place(task, agent.name(), agent.roles());
			if (place.position() > 0) {
				places.add(ordinal(place.position()) + " of " + place.waiting() + " waiting for " + agent.name());
			}
		}
		return new View(places, waits);
	}

	static String ordinal(int number) {
		int lastTwo = number % 100;
		String suffix = (lastTwo >= 11 && lastTwo <= 13) ? "th" : switch (number % 10) {
			case 1 -> "st";
			case 2 -> "nd";
			case 3 -> "rd";
			default -> "th";
		};
		return number + suffix;
	}

	/**
	 * A pending task's place.
	 *
	 * @param places its place in the line of each agent that would take it now
	 * @param waits what else it waits for
	 */
	record View(List<String> places, List<String> waits) {
	}

}
