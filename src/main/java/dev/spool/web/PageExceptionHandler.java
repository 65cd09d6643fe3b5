package dev.spool.web;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** Errors on dashboard pages, as a page that says what went wrong and links back. */
@ControllerAdvice(assignableTypes = { TaskBoardController.class, TaskPageController.class,
		AgentsPageController.class, ManifestPageController.class, BulkPageController.class })
class PageExceptionHandler {

	@ExceptionHandler
	ModelAndView notFound(TaskNotFoundException ex) {
		return page(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView invalid(InvalidTaskException ex) {
		return page(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ModelAndView conflict(TransitionNotAllowedException ex) {
		return page(HttpStatus.CONFLICT, ex.getMessage());
	}

	private static ModelAndView page(HttpStatus status, String message) {
		ModelAndView view = new ModelAndView("problem", status);
		view.addObject("status", status.value());
		view.addObject("reason", status.getReasonPhrase());
		view.addObject("message", message);
		return view;
	}

}
