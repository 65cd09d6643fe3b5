package dev.spool.web;

import java.time.Duration;
import java.time.Instant;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.spool.agent.AgentCatalog;
import dev.spool.agent.AgentDefinition;
import dev.spool.agent.QuietMarkers;
import dev.spool.model.ModelGateway;
import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/**
 * The home page's "running now" panel (Sidekiq's Busy): every task in progress with the agent that runs it, for how
 * long, with which model, and whether its heartbeat is fresh; and the quiet agents. It reads only the index's list of
 * tasks in progress, never every task.
 */
@Component
class RunningNow {

	/** Rows the panel shows at most; the board's "in progress" filter lists the rest. */
	static final int SHOWN = 50;

	private final TaskIndex index;

	private final AgentCatalog catalog;

	private final QuietMarkers quiet;

	private final StaleClaimSweeper sweeper;

	private final ClaimTimes claims;

	private final ModelGateway model;

	private final Clock clock;

	RunningNow(TaskIndex index, AgentCatalog catalog, QuietMarkers quiet, StaleClaimSweeper sweeper, ClaimTimes claims,
			ModelGateway model, Clock clock) {
		this.index = index;
		this.catalog = catalog;
		this.quiet = quiet;
		this.sweeper = sweeper;
		this.claims = claims;
		this.model = model;
		this.clock = clock;
	}

	View view() {
		Instant now = this.clock.instant();
		List<Task> running = this.index.queries()
			.newestFirst(TaskState.IN_PROGRESS)
			.stream()
			.sorted(Comparator.comparing((Task task) -> String.valueOf(task.owner())).thenComparing(Task::id))
			.limit(SHOWN)
			.toList();
		List<Row> rows = new ArrayList<>();
		String previous = null;
		for (Task task : running) {
			String agent = task.owner();
			Instant since = this.claims.since(task.id());
			Optional<Duration> silent = this.sweeper.quietFor(task.file());
			rows.add(new Row(agent, !agent.equals(previous), task.id().text(), TaskRow.titleOf(task),
					(since != null) ? Math.max(0, Duration.between(since, now).toMillis()) : null, modelOf(agent),
					silent.map(Duration::toMillis).orElse(null), this.quiet.isQuiet(agent)));
			previous = agent;
		}
		// The defined agents, and the outside ones seen running a task: an outside agent honours its marker too.
		Set<String> names = new TreeSet<>();
		this.catalog.all().forEach((definition) -> names.add(definition.name()));
		running.forEach((task) -> names.add(task.owner()));
		List<QuietAgent> quietAgents = new ArrayList<>();
		for (String name : names) {
			this.quiet.reason(name)
				.ifPresent((reason) -> quietAgents.add(new QuietAgent(name, reason,
						running.stream().filter((task) -> name.equals(task.owner())).map((task) -> task.id().text()).toList())));
		}
		return new View(rows, this.index.queries().count(TaskState.IN_PROGRESS), quietAgents);
	}

	/** The model an agent asks, "command" for one that runs a program, "outside program" for one Spool does not run. */
	private String modelOf(String agent) {
		Optional<AgentDefinition> definition = this.catalog.find(agent);
		if (definition.isEmpty() || definition.get().outside()) {
			return "outside program";
		}
		if (definition.get().runsCommand()) {
			return "command";
		}
		return (definition.get().model() != null) ? definition.get().model()
				: this.model.info().defaultModel() + " (default)";
	}

	/**
	 * A task in progress.
	 *
	 * @param agent the agent that holds it
	 * @param firstOfAgent whether it is the first row of its agent, which carries the agent's Quiet or Resume button
	 * @param id the task's id
	 * @param title its title, or the start of its prompt
	 * @param runningMillis how long it has run, or null when its claim was made before this process started
	 * @param model the model its agent asks
	 * @param silentMillis how long its heartbeat has been silent, when long enough to worry; null while it is fresh
	 * @param quiet whether its agent is quiet, finishing this and taking no new task
	 */
	record Row(String agent, boolean firstOfAgent, String id, String title, Long runningMillis, String model,
			Long silentMillis, boolean quiet) {
	}

	/**
	 * A quiet agent.
	 *
	 * @param name its name
	 * @param reason why, or empty
	 * @param finishing the tasks it still runs, among those the panel shows
	 */
	record QuietAgent(String name, String reason, List<String> finishing) {

		/** "quiet: finishing task_012, takes no new task", or "quiet: takes no new task" once it holds none. */
		public String says() {
			return "quiet: " + (this.finishing.isEmpty() ? "" : "finishing " + String.join(", ", this.finishing) + ", ")
					+ "takes no new task";
		}

	}

	/**
	 * What the panel shows.
	 *
	 * @param rows the tasks in progress, by agent, at most {@link #SHOWN}
	 * @param total how many tasks are in progress
	 * @param quiet the quiet agents
	 */
	record View(List<Row> rows, int total, List<QuietAgent> quiet) {

		/** The quiet agent of this name, for its rows' note, or null. */
		public QuietAgent quietAgent(String name) {
			return this.quiet.stream().filter((agent) -> agent.name().equals(name)).findFirst().orElse(null);
		}

	}

}
