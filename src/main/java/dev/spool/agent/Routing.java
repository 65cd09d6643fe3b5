package dev.spool.agent;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

/**
 * Which agents a task can reach: a {@code role} must be listed by some agent defined in {@code agents/}, and an
 * {@code agent} nobody has seen is accepted (outside programs are agents too) but worth a warning.
 */
public final class Routing {

	private final AgentCatalog catalog;

	private final TaskIndex index;

	Routing(AgentCatalog catalog, TaskIndex index) {
		this.catalog = catalog;
		this.index = index;
	}

	/**
	 * Refuses a task no agent could take because of its role.
	 * @throws InvalidTaskException if no defined agent lists its role, or the agent it names is defined without it
	 */
	public void check(NewTask request) {
		String role = request.role();
		if (role == null) {
			return;
		}
		List<AgentDefinition> listing = this.catalog.all()
			.stream()
			.filter((definition) -> Task.listsRole(definition.roles(), role))
			.toList();
		if (listing.isEmpty()) {
			throw new InvalidTaskException("no agent lists the role '" + role + "', so no agent would take the task; "
					+ describeRoles());
		}
		String agent = request.agent();
		if (agent != null && this.catalog.find(agent).isPresent()
				&& listing.stream().noneMatch((definition) -> definition.name().equals(agent))) {
			throw new InvalidTaskException("agent " + agent + " does not list the role '" + role + "'; "
					+ listing.stream().map(AgentDefinition::name).collect(Collectors.joining(", ")) + " do");
		}
	}

	private String describeRoles() {
		Set<String> roles = this.catalog.all()
			.stream()
			.flatMap((definition) -> definition.roles().stream())
			.collect(Collectors.toCollection(TreeSet::new));
		return roles.isEmpty() ? "no agent in agents/ lists any role"
				: "the roles listed in agents/ are: " + String.join(", ", roles);
	}

	/** Names of every agent Spool knows of: defined in {@code agents/}, or seen holding a task or in a record. */
	public Set<String> seenAgents() {
		Set<String> seen = new TreeSet<>();
		this.catalog.all().forEach((definition) -> seen.add(definition.name()));
		seen.addAll(this.index.queries().agentsSeen());
		return seen;
	}

	/**
	 * Whether no agent that Spool runs may take a task by its routing: only outside agents (defined with
	 * {@code outside: true}, or not defined at all) can.
	 */
	public boolean onlyOutsideAgentsMayTake(Task task) {
		String agent = task.document().agent();
		String role = task.document().role();
		return this.catalog.all()
			.stream()
			.filter((definition) -> !definition.outside())
			.noneMatch((definition) -> (agent == null || agent.equals(definition.name()))
					&& (role == null || Task.listsRole(definition.roles(), role)));
	}

	/** A warning for a pending task routed to an agent nobody has seen, or empty. */
	public static Optional<String> unseenAgent(Task task, Set<String> seen) {
		String agent = task.document().agent();
		if (task.state() != TaskState.PENDING || agent == null || seen.contains(agent)) {
			return Optional.empty();
		}
		return Optional.of("no agent named " + agent + " has been seen: it is not defined in agents/ and has"
				+ " held no task; the task waits until a program of that name claims it");
	}

}
