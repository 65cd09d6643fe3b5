package dev.spool.web;

import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import dev.spool.tools.TaskIds;
import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.pipeline.Pipes;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TaskStore;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** The home page: the task board, the activity chart and the submit form. */
@Controller
class TaskBoardController {

	private final TaskBoard board;

	private final ActivityChart activity;

	private final TaskStore store;

	private final AgentDirectory agents;

	private final FormSubmissions submissions;

	private final Pipes pipes;

	private final BoardVersion version;

	private final RunningNow running;

	TaskBoardController(TaskBoard board, ActivityChart activity, TaskStore store, AgentDirectory agents,
			FormSubmissions submissions, Pipes pipes, BoardVersion version, RunningNow running) {
		this.running = running;
		this.board = board;
		this.activity = activity;
		this.store = store;
		this.agents = agents;
		this.submissions = submissions;
		this.pipes = pipes;
		this.version = version;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only the board. */
	@GetMapping("/")
	String home(@RequestParam(required = false) String state, @RequestParam(required = false) String agent,
			@RequestParam(required = false) String q, @RequestParam(defaultValue = "1") int page,
			@RequestParam(required = false) String sort, @RequestParam(required = false) String dir,
			@RequestParam(required = false) Integer size, @RequestParam(required = false) String retryOf, @RequestParam(required = false) String created,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		model.addAttribute("version", this.version.current());
		model.addAttribute("board", this.board.view(new BoardFilter(state, agent, q, page, sort, dir, size)));
		model.addAttribute("activity", this.activity.chart());
		model.addAttribute("running", this.running.view());
		model.addAttribute("created", created);
		if (fragment != null) {
			return "index :: board";
		}
		addForm(model, (retryOf != null) ? rework(retryOf) : TaskForm.empty());
		return "index";
	}

	/**
	 * A task, a goal or a pipeline from the form, then a redirect to what was made; refused, the board again with the
	 * error beside the form kept. The form posts to {@code /}, so that a refused form keeps the board's address.
	 */
	@PostMapping({ "/", "/tasks" })
	String create(@ModelAttribute TaskForm form, Model model, HttpServletResponse response) {
		try {
			return "redirect:" + this.submissions.submit(form);
		}
		catch (InvalidTaskException ex) {
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			model.addAttribute("formError", ex.getMessage());
			model.addAttribute("version", this.version.current());
			model.addAttribute("board", this.board.view(new BoardFilter(null, null, null, 1)));
			model.addAttribute("activity", this.activity.chart());
		model.addAttribute("running", this.running.view());
			addForm(model, form);
			return "index";
		}
	}

	private void addForm(Model model, TaskForm form) {
		model.addAttribute("form", form);
		model.addAttribute("agentNames", agentNames());
		model.addAttribute("roles", roles());
		model.addAttribute("fifoAvailable", this.pipes.available());
	}

	private TaskForm rework(String retryOf) {
		TaskId id = TaskIds.parse(retryOf);
		Task task = this.store.index().find(id).orElseThrow(() -> new TaskNotFoundException(id));
		return TaskForm.reworking(task, this.store.readPrompt(id));
	}

	private List<String> roles() {
		return this.agents.list().stream().flatMap((agent) -> agent.roles().stream()).distinct().sorted().toList();
	}

	private List<String> agentNames() {
		return this.agents.list().stream().filter(AgentStatus::defined).map(AgentStatus::name).toList();
	}

}
