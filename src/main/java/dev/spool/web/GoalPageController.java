package dev.spool.web;

import dev.spool.tools.TaskIds;
import dev.spool.goal.GoalView;
import dev.spool.goal.GoalViews;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;

/** One goal: its plan's steps with their tasks and states, its final task, its result. */
@Controller
class GoalPageController {

	private final GoalViews goals;

	private final Markdown markdown;

	private final TaskStore store;

	private final BoardVersion version;

	GoalPageController(GoalViews goals, Markdown markdown, TaskStore store, BoardVersion version) {
		this.goals = goals;
		this.store = store;
		this.version = version;
		this.markdown = markdown;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only the goal. */
	@GetMapping("/goals/{id}")
	String goal(@PathVariable String id, @RequestHeader(name = "HX-Request", required = false) String fragment,
			Model model) {
		TaskId taskId = TaskIds.parse(id);
		GoalView goal = GoalApiController.find(this.goals, this.store, taskId);
		model.addAttribute("goal", goal);
		model.addAttribute("resultHtml", (goal.result() != null) ? this.markdown.toHtml(goal.result()) : null);
		model.addAttribute("version", this.version.current());
		return (fragment != null) ? "goal :: goal" : "goal";
	}

}
