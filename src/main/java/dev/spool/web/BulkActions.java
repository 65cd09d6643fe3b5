package dev.spool.web;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.spool.tools.TaskIds;
import dev.spool.archive.Archive;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.stereotype.Component;

/**
 * One verb applied to many tasks, for the board and the API: each task in turn, as the single-task verbs do, so that a
 * task that changed meanwhile (an agent finished it) is reported rather than failing the rest.
 */
@Component
class BulkActions {

	/** At most this many ids in one request. */
	static final int MAX_IDS = 1000;

	/** The oldest age, in days, that archiving by age accepts. */
	static final int MAX_DAYS = 36_500;

	private final TaskStore store;

	private final Archive archive;

	private final Clock clock;

	BulkActions(TaskStore store, Archive archive, Clock clock) {
		this.store = store;
		this.archive = archive;
		this.clock = clock;
	}

	/**
	 * What to do to which tasks, checked before anything changes.
	 *
	 * @param action the verb
	 * @param ids the tasks chosen, or empty with a state
	 * @param state every task in this state, or null with ids
	 */
	record Request(Action action, List<TaskId> ids, TaskState state, Integer olderThanDays) {

		/**
		 * Reads a request; bad input says what is wrong. Cancel and retry take ids or a status; archive takes ids, or
		 * an age in days (every finished task that finished longer ago).
		 */
		static Request of(String action, List<String> ids, String state, Integer olderThanDays) {
			Action verb = Action.fromWord(action);
			boolean byIds = ids != null && !ids.isEmpty();
			boolean byState = state != null && !state.isBlank();
			boolean byAge = olderThanDays != null;
			if (byAge && verb != Action.ARCHIVE) {
				throw new InvalidTaskException("olderThanDays goes with archive only");
			}
			if (byState && verb == Action.ARCHIVE) {
				throw new InvalidTaskException("archive takes ids or olderThanDays, not a status");
			}
			String selectors = (verb == Action.ARCHIVE) ? "ids or olderThanDays" : "ids or a status";
			if ((byIds ? 1 : 0) + (byState ? 1 : 0) + (byAge ? 1 : 0) != 1) {
				throw new InvalidTaskException("give either " + selectors + ", not " + (byIds || byState || byAge ? "both" : "neither"));
			}
			if (byAge) {
				if (olderThanDays < 0 || olderThanDays > MAX_DAYS) {
					throw new InvalidTaskException("olderThanDays must be from 0 to " + MAX_DAYS + ", not " + olderThanDays);
				}
				return new Request(verb, List.of(), null, olderThanDays);
			}
			if (byState) {
				TaskState chosen = TaskState.fromWord(state.strip())
					.orElseThrow(() -> new InvalidTaskException("unknown status '" + state
							+ "': use " + TaskState.words()));
				return new Request(verb, List.of(), chosen, null);
			}
			if (ids.size() > MAX_IDS) {
				throw new InvalidTaskException(ids.size() + " ids: at most " + MAX_IDS + " at once");
			}
			Set<TaskId> unique = new LinkedHashSet<>();
			ids.forEach((id) -> unique.add(TaskIds.parse(id.strip())));
			return new Request(verb, List.copyOf(unique), null, null);
		}

		/** The state's word, or null. */
		public String stateWord() {
			return (this.state != null) ? this.state.word() : null;
		}

	}

	/** The verbs. */
	enum Action {

		CANCEL("cancel", "Cancelled", "had already finished"), RETRY("retry", "Retried", "was not failed or cancelled"),
		ARCHIVE("archive", "Archived", "was not finished or an unfinished task depends on it"),
		APPROVE("approve", "Approved", "was not in review or was decided by someone else");

		private final String word;

		private final String past;

		private final String refusal;

		Action(String word, String past, String refusal) {
			this.word = word;
			this.past = past;
			this.refusal = refusal;
		}

		public String word() {
			return this.word;
		}

		/** The verb as in "2 cannot be retried". */
		public String participle() {
			return this.past.toLowerCase(Locale.ROOT);
		}

		/**
		 * Whether the verb would change a task in this state now, as the confirmation page counts them: cancel an
		 * unfinished task, retry a failed or cancelled one, archive a finished one (unless an unfinished task depends
		 * on it, which only trying tells), approve one in review.
		 */
		boolean appliesTo(TaskState state) {
			return switch (this) {
				case CANCEL -> !state.isFinished();
				case RETRY -> state == TaskState.FAILED || state == TaskState.CANCELLED;
				case ARCHIVE -> state.isFinished();
				case APPROVE -> state == TaskState.REVIEW;
			};
		}

		static Action fromWord(String word) {
			String wanted = (word == null) ? "" : word.strip().toLowerCase(Locale.ROOT);
			return Arrays.stream(values())
				.filter((action) -> action.word.equals(wanted))
				.findFirst()
				.orElseThrow(
						() -> new InvalidTaskException("unknown action '" + word + "': use cancel, retry, archive or approve"));
		}

	}

	/**
	 * What a bulk action did.
	 *
	 * @param action the verb's word
	 * @param changed the tasks it changed
	 * @param skipped the tasks it left, each with why
	 */
	record Outcome(String action, List<String> changed, List<Skipped> skipped) {

		/** One sentence for a person: "Cancelled 12 tasks; 1 had already finished." */
		public String summary() {
			Action verb = Action.fromWord(this.action);
			StringBuilder text = new StringBuilder(verb.past).append(' ').append(tasks(this.changed.size()));
			long refused = this.skipped.stream().filter((skip) -> skip.reason().equals(verb.refusal)).count();
			long missing = this.skipped.size() - refused;
			if (refused > 0) {
				text.append("; ").append(refused).append(' ').append(verb.refusal);
			}
			if (missing > 0) {
				text.append("; ").append(missing).append(missing == 1 ? " was" : " were").append(" not found");
			}
			return text.append('.').toString();
		}

		private static String tasks(long count) {
			return count + ((count == 1) ? " task" : " tasks");
		}

	}

	/**
	 * One task left as it was.
	 *
	 * @param id the task
	 * @param reason why
	 */
	record Skipped(String id, String reason) {
	}

	/** The tasks a request names now: its ids, or every task in its state, oldest first. */
	List<TaskId> chosen(Request request) {
		if (request.olderThanDays() != null) {
			return this.archive.finishedBefore(this.clock.instant().minus(Duration.ofDays(request.olderThanDays())));
		}
		if (request.state() == null) {
			return request.ids();
		}
		List<TaskId> ids = new ArrayList<>(
				this.store.index().queries().newestFirst(request.state()).stream().map(Task::id).toList());
		Collections.reverse(ids);
		return ids;
	}

	/**
	 * Applies a request to each task it names.
	 * @param by who asks, as the history of an approved task shows it
	 */
	Outcome apply(Request request, String by) {
		List<String> changed = new ArrayList<>();
		List<Skipped> skipped = new ArrayList<>();
		for (TaskId id : chosen(request)) {
			try {
				boolean done = switch (request.action()) {
					case CANCEL -> this.store.cancel(id) != null;
					case RETRY -> this.store.retry(id) != null;
					case ARCHIVE -> this.archive.archive(id);
					case APPROVE -> this.store.approve(id, by) != null;
				};
				if (done) {
					changed.add(id.text());
				}
				else {
					skipped.add(new Skipped(id.text(), request.action().refusal));
				}
			}
			catch (TransitionNotAllowedException ex) {
				skipped.add(new Skipped(id.text(), request.action().refusal));
			}
			catch (TaskNotFoundException ex) {
				skipped.add(new Skipped(id.text(), "not found"));
			}
		}
		return new Outcome(request.action().word(), changed, skipped);
	}

}
