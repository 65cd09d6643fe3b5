package dev.spool.web;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The board's bulk actions: a page that says what is about to happen and asks to confirm (no script needed), then the
 * action, and the board again with one sentence saying what it did.
 */
@Controller
class BulkPageController {

	/** Tasks listed by name on the confirmation page; the rest are counted. */
	static final int LISTED = 50;

	private final BulkActions bulk;

	private final TaskIndex index;

	BulkPageController(BulkActions bulk, TaskIndex index) {
		this.bulk = bulk;
		this.index = index;
	}

	@GetMapping("/tasks/bulk")
	String confirm(@RequestParam(required = false) String action, @RequestParam(required = false) List<String> ids,
			@RequestParam(required = false) String status, @RequestParam(required = false) Integer olderThanDays,
			@RequestParam(required = false) String back, Model model) {
		model.addAttribute("back", BackLink.of(back));
		if ((ids == null || ids.isEmpty()) && (status == null || status.isBlank()) && olderThanDays == null) {
			model.addAttribute("nothing", true);
			return "bulk";
		}
		BulkActions.Request request = BulkActions.Request.of(action, ids, status, olderThanDays);
		List<TaskId> chosen = this.bulk.chosen(request);
		model.addAttribute("nothing", false);
		model.addAttribute("request", request);
		model.addAttribute("count", chosen.size());
		List<Optional<Task>> found = chosen.stream().map(this.index::find).toList();
		List<String> refused = new ArrayList<>();
		for (int i = 0; i < chosen.size(); i++) {
			if (found.get(i).map((task) -> !request.action().appliesTo(task.state())).orElse(true)) {
				refused.add(found.get(i).map(BulkPageController::idAndState).orElse(chosen.get(i).text() + " (not found)"));
			}
		}
		model.addAttribute("applicable", chosen.size() - refused.size());
		model.addAttribute("refusedCount", refused.size());
		model.addAttribute("refused", refused.subList(0, Math.min(LISTED, refused.size())));
		List<String> listed = new ArrayList<>();
		for (int i = 0; i < Math.min(LISTED, chosen.size()); i++) {
			listed.add(found.get(i)
				.map((task) -> task.id().text() + " — " + TaskRow.titleOf(task) + " (" + said(task) + ")")
				.orElse(chosen.get(i).text() + " (not found)"));
		}
		model.addAttribute("tasks", listed);
		return "bulk";
	}

	private static String idAndState(Task task) {
		return task.id().text() + " (" + said(task) + ")";
	}

	/** The task's state as a sentence says it: "in progress", not the file name's "inprogress". */
	private static String said(Task task) {
		return (task.state() == TaskState.IN_PROGRESS) ? "in progress" : task.state().word();
	}

	@PostMapping("/tasks/bulk")
	String apply(@RequestParam(required = false) String action, @RequestParam(required = false) List<String> ids,
			@RequestParam(required = false) String status, @RequestParam(required = false) Integer olderThanDays,
			@RequestParam(required = false) String back, RedirectAttributes redirect, Principal principal) {
		BulkActions.Outcome outcome = this.bulk.apply(BulkActions.Request.of(action, ids, status, olderThanDays),
				Reviewers.name(principal, (String) null));
		redirect.addFlashAttribute("bulkOutcome", outcome.summary());
		return "redirect:" + BackLink.of(back);
	}

}
