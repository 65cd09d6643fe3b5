package dev.spool.web;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import dev.spool.agent.AgentCatalog;
import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskQueries;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Component;

/** One page of the task board: counts per state, and the tasks that match a filter, newest first or sorted. */
@Component
class TaskBoard {

	static final int PAGE_SIZE = 25;

	private final TaskIndex index;

	private final StaleClaimSweeper sweeper;

	private final Clock clock;

	private final TaskNotes notes;

	private final AgentCatalog catalog;

	private final AnswerTexts answers;

	TaskBoard(TaskIndex index, StaleClaimSweeper sweeper, Clock clock, TaskNotes notes, AgentCatalog catalog,
			AnswerTexts answers) {
		this.catalog = catalog;
		this.answers = answers;
		this.index = index;
		this.sweeper = sweeper;
		this.clock = clock;
		this.notes = notes;
	}

	View view(BoardFilter filter) {
		TaskQueries queries = this.index.queries();
		Map<TaskState, Long> counts = new EnumMap<>(TaskState.class);
		for (TaskState state : TaskState.values()) {
			counts.put(state, (long) queries.count(state));
		}
		TaskState state = TaskState.fromWord(filter.state()).orElse(null);
		// Without a search, the state's own index is the list; a search looks through every task, so that the chips
		// count what it finds in each state.
		boolean searching = blankToNull(filter.agent()) != null || blankToNull(filter.q()) != null;
		Map<TaskState, Long> found = counts;
		List<Task> listed = null;
		if (searching) {
			String words = blankToNull(filter.q());
			if (words != null && words.length() >= AnswerTexts.MIN_QUERY) {
				this.answers.catchUp();
			}
			List<Task> everyMatch = queries.newestFirst(null).stream().filter(matches(filter)).toList();
			found = new EnumMap<>(TaskState.class);
			for (TaskState each : TaskState.values()) {
				found.put(each, 0L);
			}
			for (Task task : everyMatch) {
				found.merge(task.state(), 1L, Long::sum);
			}
			listed = everyMatch.stream().filter((task) -> state == null || task.state() == state).toList();
		}
		int matching = searching ? listed.size() : queries.size(state);
		Pager pager = filter.pager(matching);
		int size = pager.size();
		long skipped = pager.offset();
		List<Task> shown;
		if (filter.newestFirst()) {
			shown = searching ? listed.stream().skip(skipped).limit(size).toList() : queries.page(state, skipped, size);
		}
		else {
			Collection<Task> candidates = searching ? listed : queries.newestFirst(state);
			shown = BoardSort.first(candidates, filter.sortBy().order(filter.descending()), (int) skipped + size)
				.stream()
				.skip(skipped)
				.toList();
		}
		Instant now = this.clock.instant();
		TaskNotes.Snapshot snapshot = this.notes.snapshot();
		List<TaskRow> rows = shown.stream().map((task) -> TaskRow.of(task, this.sweeper, now, snapshot)).toList();
		List<TaskRow> flagged = queries.flaggableNewestFirst()
			.stream()
			.filter((task) -> snapshot.problem(task) != null)
			.limit(PAGE_SIZE)
			.map((task) -> TaskRow.of(task, this.sweeper, now, snapshot))
			.toList();
		List<String> strays = this.index.strays().stream().sorted().limit(PAGE_SIZE).toList();
		return new View(counts, queries.total(), found, matching, rows, pager.page(), pager.pages(), filter, flagged,
				strays, agents(filter), pager);
	}

	/** The agents to filter by: those defined, and those that held a task (an outside agent, one since removed). */
	private List<String> agents(BoardFilter filter) {
		Set<String> names = new TreeSet<>(this.index.queries().agentsSeen());
		this.catalog.all().forEach((definition) -> names.add(definition.name()));
		if (blankToNull(filter.agent()) != null) {
			names.add(filter.agent().strip());
		}
		return List.copyOf(names);
	}

	/**
	 * Whether a task matches the filter's agent and words (in its title, prompt or answer), in any state; a task's id
	 * matches it and its subtasks.
	 */
	private Predicate<Task> matches(BoardFilter filter) {
		String agent = blankToNull(filter.agent());
		String query = blankToNull(filter.q());
		String needle = (query != null) ? query.toLowerCase(Locale.ROOT) : null;
		return (task) -> (agent == null || agent.equals(task.owner()) || agent.equals(task.document().agent()))
				&& (needle == null || contains(task.title(), needle) || contains(task.summary(), needle)
						|| task.id().text().equals(query) || isParent(task, query)
						|| this.answers.contains(task.id(), needle));
	}

	private static boolean isParent(Task task, String query) {
		return task.document().parent() != null && task.document().parent().text().equals(query);
	}

	private static boolean contains(String text, String needle) {
		return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
	}

	private static String blankToNull(String text) {
		return (text == null || text.isBlank()) ? null : text.strip();
	}

	/**
	 * What the board shows.
	 *
	 * @param counts tasks per state, over the whole workspace
	 * @param total tasks in the workspace
	 * @param found tasks per state that match the filter's agent and words (the counts when there are none)
	 * @param matching tasks that match the filter
	 * @param rows this page of them
	 * @param page this page's number, from 1
	 * @param pages how many pages there are
	 * @param filter the filter
	 * @param flagged tasks agents leave alone because their file is unreadable or shares its id (the first page)
	 * @param strays files in {@code tasks/} that are not task files (the first page)
	 * @param agents the agents to filter by
	 * @param pager the page shown among the others, and how many rows a page holds
	 */
	record View(Map<TaskState, Long> counts, int total, Map<TaskState, Long> found, int matching, List<TaskRow> rows,
			int page, int pages, BoardFilter filter, List<TaskRow> flagged, List<String> strays, List<String> agents,
			Pager pager) {

		/** Tasks in a state in the whole workspace. */
		public long count(String state) {
			return TaskState.fromWord(state).map(this.counts::get).orElse(0L);
		}

		/** Tasks in a state that match the filter's agent and words: what a state's chip counts. */
		public long found(String state) {
			return TaskState.fromWord(state).map(this.found::get).orElse(0L);
		}

		/** Tasks in any state that match the filter's agent and words. */
		public long foundInAll() {
			return this.found.values().stream().mapToLong(Long::longValue).sum();
		}

	}

}
