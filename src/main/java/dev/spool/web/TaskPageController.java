package dev.spool.web;

import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.spool.agent.TaskConversations;
import dev.spool.tools.TaskIds;
import dev.spool.tools.TaskJson;
import dev.spool.budget.Budgets;
import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestHeader;

/** One task: prompt, result, metadata, timeline, links, and the buttons that steer it. */
@Controller
class TaskPageController {

	private final TaskStore store;

	private final StaleClaimSweeper sweeper;

	private final Markdown markdown;

	private final Clock clock;

	private final TaskNotes notes;

	private final TaskConversations conversations;

	private final TaskQueue queue;

	TaskPageController(TaskStore store, StaleClaimSweeper sweeper, Markdown markdown, Clock clock, TaskNotes notes,
			TaskConversations conversations, TaskQueue queue) {
		this.queue = queue;
		this.store = store;
		this.sweeper = sweeper;
		this.markdown = markdown;
		this.clock = clock;
		this.notes = notes;
		this.conversations = conversations;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only its changing part. */
	@GetMapping("/tasks/{id}")
	String task(@PathVariable String id, @RequestHeader(name = "HX-Request", required = false) String fragment,
			Model model) {
		Task task = find(id);
		TaskNotes.Snapshot snapshot = this.notes.snapshot();
		model.addAttribute("task", task);
		model.addAttribute("row", TaskRow.of(task, this.sweeper, this.clock.instant(), snapshot));
		model.addAttribute("waitingFor", snapshot.waitingFor(task).stream().map(TaskId::text).toList());
		model.addAttribute("problem", (task.problem() == null) ? snapshot.problem(task) : null);
		model.addAttribute("warning", snapshot.warning(task));
		model.addAttribute("budgetWaiting", snapshot.waitingForBudget(task));
		model.addAttribute("queue", this.queue.of(task));
		model.addAttribute("tokensText", TokenText.of(Budgets.spent(task), TaskJson.cost(task, snapshot.budgets())));
		model.addAttribute("failedWith", snapshot.failedWith(task).stream().map((other) -> other.id().text()).toList());
		model.addAttribute("promptHtml", this.markdown.toHtml(this.store.readPrompt(task.id())));
		String output = this.store.readOutput(task.id()).orElse(null);
		model.addAttribute("outputText", output);
		model.addAttribute("outputHtml", (output != null) ? this.markdown.toHtml(output) : null);
		model.addAttribute("timeline", timeline(task));
		model.addAttribute("dependencies", task.dependsOn().stream().map(this::rowOrMissing).toList());
		TaskId parent = task.document().parent();
		model.addAttribute("parent", (parent != null) ? rowOrMissing(parent) : null);
		model.addAttribute("subtasks", this.store.index()
			.queries()
			.children(task.id())
			.stream()
			.map((other) -> TaskRow.of(other, this.sweeper, this.clock.instant()))
			.toList());
		model.addAttribute("dependants", this.store.index()
			.queries()
			.dependants(task.id())
			.stream()
			.map((other) -> TaskRow.of(other, this.sweeper, this.clock.instant()))
			.toList());
		model.addAttribute("conversation", ConversationView.of(task, this.conversations));
		return (fragment != null) ? "task :: detail" : "task";
	}

	/** For a live refresh ({@code HX-Request}), the task's conversation; otherwise the task's page, there. */
	@GetMapping("/tasks/{id}/conversation")
	String conversation(@PathVariable String id, @RequestHeader(name = "HX-Request", required = false) String fragment,
			Model model) {
		Task task = find(id);
		if (fragment == null) {
			return "redirect:/tasks/" + task.id() + "#conversation";
		}
		model.addAttribute("task", task);
		model.addAttribute("conversation", ConversationView.of(task, this.conversations));
		return "task :: conversation";
	}

	/** Retries a failed or cancelled task; {@code back=goal} returns to the goal's page, where the button was. */
	@PostMapping("/tasks/{id}/retry")
	String retry(@PathVariable String id, @RequestParam(name = "back", required = false) String back) {
		return redirectTo(this.store.retry(TaskIds.parse(id)), back);
	}

	/** Cancels a task; {@code back=goal} returns to the goal's page, where the button was. */
	@PostMapping("/tasks/{id}/cancel")
	String cancel(@PathVariable String id, @RequestParam(name = "back", required = false) String back) {
		return redirectTo(this.store.cancel(TaskIds.parse(id)), back);
	}

	/** Takes a claim back now, without waiting for {@code spool.stale-after}. */
	@PostMapping("/tasks/{id}/approve")
	String approve(@PathVariable String id, Principal principal) {
		return afterReview(this.store.approve(TaskIds.parse(id), Reviewers.name(principal, (String) null)));
	}

	@PostMapping("/tasks/{id}/reject")
	String reject(@PathVariable String id, @RequestParam(required = false) String note, Principal principal) {
		return afterReview(
				this.store.reject(TaskIds.parse(id), Reviewers.name(principal, (String) null), Reviewers.note(note)));
	}

	/** Back to where the decision was made: a goal's plan is reviewed on the goal's page. */
	private static String afterReview(Task task) {
		return (task.document().kind() == TaskDocument.Kind.GOAL) ? "redirect:/goals/" + task.id() : redirectTo(task);
	}

	@PostMapping("/tasks/{id}/requeue")
	String requeue(@PathVariable String id) {
		Task task = find(id);
		if (task.state() != TaskState.IN_PROGRESS) {
			throw new TransitionNotAllowedException(
					task.id() + " is " + task.state().word() + "; only tasks in progress can be requeued");
		}
		this.store.requeue(task.file());
		return redirectTo(task);
	}

	private Task find(String id) {
		TaskId taskId = TaskIds.parse(id);
		return this.store.index().find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
	}

	private TaskRow rowOrMissing(TaskId id) {
		return this.store.index()
			.find(id)
			.map((task) -> TaskRow.of(task, this.sweeper, this.clock.instant()))
			.orElse(new TaskRow(id.text(), "(missing)", "missing", null, null, "", 0, null, null, null, 0, null, null, 0));
	}

	private List<TimelineEntry> timeline(Task task) {
		List<TimelineEntry> entries = new ArrayList<>();
		entries.add(new TimelineEntry(task.createdAt(), "created", null, null, null, null));
		for (Attempt attempt : task.history()) {
			if (attempt.startedAt() != null) {
				entries.add(new TimelineEntry(attempt.startedAt(), "claimed", attempt.agent(), null, null, null));
			}
			entries.add(new TimelineEntry(attempt.finishedAt(), describe(attempt), attempt.agent(),
					(attempt.note() != null) ? "note: " + attempt.note() : attempt.error(), TokenText.of(attempt.tokens()),
					attempt.warnings()));
		}
		if (task.state() == TaskState.IN_PROGRESS) {
			entries.add(new TimelineEntry(null, "in progress", task.owner(), null, null, null));
		}
		else if (task.state() == TaskState.WAITING) {
			entries.add(new TimelineEntry(null, "waiting; resumed by " + task.owner() + " when they end", task.owner(),
					null, null, null));
		}
		else if (task.state() == TaskState.REVIEW) {
			entries.add(new TimelineEntry(null, "in review: waiting for a person to approve or reject the answer", null,
					null, null, null));
		}
		return entries;
	}

	private static String describe(Attempt attempt) {
		String by = (attempt.by() != null) ? " by " + attempt.by() : "";
		return switch (attempt.outcome()) {
			case DONE -> Boolean.TRUE.equals(attempt.unpublished())
					? "answered, but a result already in outputs/ was kept instead of this answer"
					: Boolean.TRUE.equals(attempt.review()) ? "answered; the answer went to review" : "done";
			case ERROR -> "attempt failed";
			case STALE -> "taken back (no heartbeat)";
			case CANCELLED -> "cancelled" + by;
			case RETRIED -> "retried";
			case REQUEUED -> "requeued by a person";
			case BLOCKED -> "failed: a task it depends on failed or was cancelled";
			case RESTARTED -> "handed back, not counted: the stage it reads from broke off";
			case PLANNED -> "the orchestrator asked for a plan";
			case WAITED -> "put aside to wait for other tasks, holding no slot";
			case APPROVED -> "answer approved" + by;
			case REJECTED -> "answer rejected" + by + "; sent back to pending, not counted";
			case CUT_SHORT -> "attempt cut short";
		};
	}

	private static String redirectTo(Task task) {
		return redirectTo(task, null);
	}

	private static String redirectTo(Task task, String back) {
		return ("goal".equals(back) ? "redirect:/goals/" : "redirect:/tasks/") + task.id();
	}

	/**
	 * One line of a task's timeline.
	 * @param warnings what the attempt went on without (an MCP server that did not start), none when null
	 */
	record TimelineEntry(Instant at, String what, String agent, String detail, String tokens, List<String> warnings) {

		TimelineEntry {
			warnings = (warnings != null) ? warnings : List.of();
		}

	}

}
