package dev.spool.web;

import dev.spool.agent.QuietMarkers;
import dev.spool.archive.Archive;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/** Errors on dashboard pages, as a page that says what went wrong and links back. */
@ControllerAdvice(assignableTypes = { TaskBoardController.class, TaskPageController.class,
		AgentsPageController.class, ManifestPageController.class, BulkPageController.class, GoalPageController.class,
		PipelinePageController.class, RetriesPageController.class, HistoryPageController.class,
		BrowsePageController.class })
class PageExceptionHandler {

	private final Archive archive;

	PageExceptionHandler(Archive archive) {
		this.archive = archive;
	}

	@ExceptionHandler
	ModelAndView notFound(TaskNotFoundException ex) {
		if (ex.id() != null && this.archive.isArchived(ex.id())) {
			return page(HttpStatus.NOT_FOUND, ex.id() + " is archived: it is no longer on the board, and its files are"
					+ " in archive/tasks/ and archive/outputs/.");
		}
		return page(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView notAGoal(GoalApiController.NotAGoalException ex) {
		ModelAndView view = page(HttpStatus.NOT_FOUND, ex.getMessage());
		view.addObject("link", "/tasks/" + ex.id());
		view.addObject("linkText", "Open " + ex.id() + " as a task");
		return view;
	}

	@ExceptionHandler
	ModelAndView noPipeline(PipelineApiController.PipelineNotFoundException ex) {
		return page(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView invalid(InvalidTaskException ex) {
		return page(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/** A query parameter that is not of its kind ({@code ?page=two}): the page says which, rather than failing. */
	@ExceptionHandler
	ModelAndView malformed(MethodArgumentTypeMismatchException ex) {
		boolean number = ex.getRequiredType() == Integer.class || ex.getRequiredType() == int.class;
		return page(HttpStatus.BAD_REQUEST,
				"'" + ex.getValue() + "' is not a valid " + ex.getName() + (number ? ": a whole number is wanted" : ""));
	}

	@ExceptionHandler
	ModelAndView noAgent(AgentApiController.AgentNotFoundException ex) {
		return page(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView refusedMarker(QuietMarkers.RefusedMarkerException ex) {
		return page(HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView conflict(TransitionNotAllowedException ex) {
		return page(HttpStatus.CONFLICT, ex.getMessage());
	}

	/** Spool's error page: the status, what went wrong, and a way back. */
	static ModelAndView page(HttpStatus status, String message) {
		ModelAndView view = new ModelAndView("problem", status);
		view.addObject("status", status.value());
		view.addObject("reason", status.getReasonPhrase());
		view.addObject("message", message);
		return view;
	}

}
