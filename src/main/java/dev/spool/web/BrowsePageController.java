package dev.spool.web;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.spool.archive.ArchivedTasks;
import dev.spool.pipeline.Pipeline;
import dev.spool.pipeline.Pipelines;
import dev.spool.workspace.GoalStep;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Lists to browse, a page at a time: the archived tasks, the goals and the pipelines, each entry leading to its own
 * page. Goals and pipelines come from the index in memory; the archive's names are listed when its folder changed,
 * and only the files on the page are opened.
 */
@Controller
class BrowsePageController {

	private final TaskIndex index;

	private final ArchivedTasks archived;

	private final Pipelines pipelines;

	BrowsePageController(TaskIndex index, ArchivedTasks archived, Pipelines pipelines) {
		this.index = index;
		this.archived = archived;
		this.pipelines = pipelines;
	}

	@GetMapping("/archive")
	String archive(@RequestParam(defaultValue = "1") int page, @RequestParam(required = false) Integer size,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		Pager pager = Pager.of("/archive", Map.of(), page, size, this.archived.count());
		model.addAttribute("pager", pager);
		model.addAttribute("entries", this.archived.page(pager.offset(), pager.size()));
		return (fragment != null) ? "archive :: list" : "archive";
	}

	@GetMapping("/goals")
	String goals(@RequestParam(defaultValue = "1") int page, @RequestParam(required = false) Integer size,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		List<Task> goals = this.index.queries()
			.newestFirst(null)
			.stream()
			.filter((task) -> task.document().kind() == TaskDocument.Kind.GOAL)
			.toList();
		Pager pager = Pager.of("/goals", Map.of(), page, size, goals.size());
		model.addAttribute("pager", pager);
		model.addAttribute("goals", goals.stream().skip(pager.offset()).limit(pager.size()).map(this::goal).toList());
		return (fragment != null) ? "goals :: list" : "goals";
	}

	@GetMapping("/pipelines")
	String pipelines(@RequestParam(defaultValue = "1") int page, @RequestParam(required = false) Integer size,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		List<String> ids = this.index.queries()
			.pipelines()
			.stream()
			.sorted(Comparator.comparing(BrowsePageController::number).reversed())
			.toList();
		Pager pager = Pager.of("/pipelines", Map.of(), page, size, ids.size());
		model.addAttribute("pager", pager);
		model.addAttribute("pipelines", ids.stream()
			.skip(pager.offset())
			.limit(pager.size())
			.flatMap((id) -> this.pipelines.find(id).stream())
			.map(PipelineLine::of)
			.toList());
		return (fragment != null) ? "pipelines :: list" : "pipelines";
	}

	private GoalLine goal(Task goal) {
		List<Task> steps = this.index.queries()
			.children(goal.id())
			.stream()
			.filter((task) -> task.document().goal() != null && task.document().goal().goal().equals(goal.id())
					&& !GoalStep.FINAL.equals(task.document().goal().step()))
			.toList();
		long done = steps.stream().filter((task) -> task.state() == TaskState.DONE).count();
		return new GoalLine(goal.id().text(), (goal.title() != null) ? goal.title() : goal.summary(),
				goal.state().word(), done, steps.size());
	}

	private static long number(String pipeline) {
		try {
			return Long.parseLong(pipeline.substring(pipeline.lastIndexOf('_') + 1));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * One goal: its state and how many of the step tasks made for it so far are done.
	 *
	 * @param id the goal's task
	 * @param title its title, or the start of the goal
	 * @param state its task's state
	 * @param done step tasks done
	 * @param steps step tasks made for it so far
	 */
	record GoalLine(String id, String title, String state, long done, int steps) {

		/** {@code 2/3 steps done}, or {@code no steps yet}. */
		public String progress() {
			return (this.steps == 0) ? "no steps yet" : this.done + "/" + this.steps + " steps done";
		}

	}

	/**
	 * One pipeline: its stages and state.
	 *
	 * @param id the pipeline
	 * @param stages how many stages it has
	 * @param transport files or fifo
	 * @param state as its page says it
	 * @param first the first stage's title, or the start of its prompt
	 */
	record PipelineLine(String id, int stages, String transport, String state, String first) {

		static PipelineLine of(Pipeline pipeline) {
			Task first = pipeline.stages().get(0);
			return new PipelineLine(pipeline.id(), pipeline.stages().size(), pipeline.transport().word(),
					PipelineJson.status(pipeline.stages()), (first.title() != null) ? first.title() : first.summary());
		}

	}

}
