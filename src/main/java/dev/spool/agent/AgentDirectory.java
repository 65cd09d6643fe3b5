package dev.spool.agent;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

/** Tells what every agent is doing: the defined ones, and outside programs seen holding tasks. */
public final class AgentDirectory {

	private final AgentCatalog catalog;

	private final AgentSupervisor supervisor;

	private final TaskStore store;

	private final StaleClaimSweeper sweeper;

	private final QuietMarkers quiet;

	AgentDirectory(AgentCatalog catalog, AgentSupervisor supervisor, TaskStore store, StaleClaimSweeper sweeper,
			QuietMarkers quiet) {
		this.quiet = quiet;
		this.catalog = catalog;
		this.supervisor = supervisor;
		this.store = store;
		this.sweeper = sweeper;
	}

	public List<AgentStatus> list() {
		TaskQueries queries = this.store.index().queries();
		// Only claims in progress are looked at one by one; finished tasks are counted by the index.
		Map<String, List<Task>> holding = queries.newestFirst(TaskState.IN_PROGRESS)
			.stream()
			.filter((task) -> task.owner() != null)
			.sorted(Comparator.comparing(Task::id))
			.collect(Collectors.groupingBy(Task::owner, TreeMap::new, Collectors.toList()));
		TreeSet<String> names = new TreeSet<>(queries.owners());
		names.addAll(holding.keySet());
		this.catalog.all().forEach((definition) -> names.add(definition.name()));
		List<AgentStatus> statuses = new ArrayList<>();
		for (String name : names) {
			statuses.add(status(name, holding.getOrDefault(name, List.of()), queries));
		}
		return statuses;
	}

	/** Files in {@code agents/} that are not taken as definitions, by file name, with the reason. */
	public Map<String, String> problems() {
		return this.catalog.problems();
	}

	public Optional<AgentStatus> find(String name) {
		return list().stream().filter((status) -> status.name().equals(name)).findFirst();
	}

	/**
	 * Quiets a known agent: it takes no new task and finishes what it holds (see {@link QuietMarkers}).
	 * @return its status now, or empty when no agent has the name (and nothing was written)
	 */
	public Optional<AgentStatus> quiet(String name, String reason) throws IOException {
		requireName(name);
		if (find(name).isEmpty()) {
			return Optional.empty();
		}
		this.quiet.quiet(name, reason);
		return find(name);
	}

	/**
	 * Lets a known agent take tasks again, at once.
	 * @return its status now, or empty when no agent has the name (and nothing was changed)
	 */
	public Optional<AgentStatus> resume(String name) throws IOException {
		requireName(name);
		if (find(name).isEmpty()) {
			return Optional.empty();
		}
		this.quiet.resume(name);
		this.supervisor.wake(name);
		return find(name);
	}

	private static void requireName(String name) {
		if (!AgentNames.isValid(name)) {
			throw new InvalidTaskException(ProblemText.quoted(String.valueOf(name)) + " is not an agent's name: agents"
					+ " are named with lower-case letters, digits, '_' and '-', at most 63 characters");
		}
	}

	private AgentStatus status(String name, List<Task> holding, TaskQueries queries) {
		// The orchestrator is defined by agents/orchestrator.md, which is not an agent's definition the catalog runs.
		Optional<AgentDefinition> definition = this.catalog.find(name)
			.or(() -> AgentCatalog.ORCHESTRATOR.equals(name) ? this.catalog.orchestrator() : Optional.empty());
		boolean quiet = !holding.isEmpty()
				&& holding.stream().allMatch((task) -> this.sweeper.quietFor(task.file()).isPresent());
		AgentStatus.State state = holding.isEmpty() ? AgentStatus.State.IDLE
				: quiet ? AgentStatus.State.STALE : AgentStatus.State.WORKING;
		Instant lastBeat = lastHeartbeat(name, holding);
		Optional<AgentWorker.Pause> pause = this.supervisor.workers(name)
			.stream()
			.flatMap((worker) -> worker.pause().stream())
			.max(Comparator.comparing(AgentWorker.Pause::until));
		Optional<String> because = this.quiet.reason(name);
		return new AgentStatus(name, definition.isPresent(), definition.map(AgentDefinition::model).orElse(null),
				definition.map(AgentDefinition::command).orElse(List.of()),
				state, holding.stream().map((task) -> task.id().text()).toList(),
				queries.ownedBy(name, TaskState.DONE), queries.ownedBy(name, TaskState.FAILED), lastBeat, definition.map(AgentDefinition::concurrency).orElse(0),
				definition.map(AgentDefinition::roles).orElse(List.of()),
				definition.map(AgentDefinition::systemPrompt).orElse(null),
				pause.map(AgentWorker.Pause::until).orElse(null), pause.map(AgentWorker.Pause::because).orElse(null),
				definition.map(AgentDefinition::tools).orElse(List.of()), because.isPresent(), because.orElse(null));
	}

	private Instant lastHeartbeat(String name, List<Task> holding) {
		Optional<Instant> inProcess = this.supervisor.workers(name)
			.stream()
			.flatMap((worker) -> worker.lastBeat().stream())
			.max(Comparator.naturalOrder());
		Optional<Instant> onDisk = holding.stream()
			.flatMap((task) -> this.store.lastTouched(task.file()).stream())
			.map((time) -> time.toInstant())
			.max(Comparator.naturalOrder());
		return inProcess.or(() -> onDisk).orElse(null);
	}

}
