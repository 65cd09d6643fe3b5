package dev.spool.web;

import java.util.List;
import java.util.Optional;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.pipeline.Pipeline;
import dev.spool.pipeline.Pipelines;
import dev.spool.pipeline.StageRoutes;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.stereotype.Component;

/**
 * Makes what the board's submit form asks for (a task, a goal or a pipeline) through the same services as the API, so
 * the form is refused exactly where the API would be, and before anything is written.
 */
@Component
class FormSubmissions {

	private final TaskStore store;

	private final Routing routing;

	private final Pipelines pipelines;

	FormSubmissions(TaskStore store, Routing routing, Pipelines pipelines) {
		this.store = store;
		this.routing = routing;
		this.pipelines = pipelines;
	}

	/**
	 * Creates it and says where to see it.
	 * @return the path of the page of what was made
	 * @throws InvalidTaskException if the form is refused; nothing was written
	 */
	String submit(TaskForm form) {
		form.requireOnlyWhatApplies();
		return switch (form.chosen()) {
			case TASK -> {
				NewTask request = reworked(form, form.toNewTask());
				this.routing.check(request);
				yield "/?created=" + this.store.create(request).id();
			}
			case GOAL -> {
				Task goal = this.store
					.create(reworked(form, NewTask.goal(form.prompt(), form.title(), form.priorityValue(), null)
						.withReview(form.reviewed())));
				yield "/goals/" + goal.id();
			}
			case PIPELINE -> {
				List<Pipelines.StageRequest> stages = PipelineText.stages(form.prompt(), form.title());
				StageRoutes.check(this.routing, stages);
				Pipeline pipeline = this.pipelines.create(PipelineApiController.transport(form.transportWord()), stages);
				yield "/pipelines/" + pipeline.id();
			}
		};
	}

	/** The request as the rework of the task the form names, if it names one: see {@link NewTask#reworking}. */
	private NewTask reworked(TaskForm form, NewTask request) {
		Optional<TaskId> original = form.reworks();
		if (original.isEmpty()) {
			return request;
		}
		return this.store.index().find(original.get()).map(request::reworking).orElseThrow(
				() -> new InvalidTaskException("reworks " + original.get() + ", which does not exist"));
	}

}
