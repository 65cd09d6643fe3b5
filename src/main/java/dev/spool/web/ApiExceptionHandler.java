package dev.spool.web;

import java.io.UncheckedIOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.agent.QuietMarkers;
import dev.spool.archive.Archive;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.PromptTooLargeException;
import dev.spool.workspace.TaskNotFoundException;
import dev.spool.workspace.TransitionNotAllowedException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every API error as a JSON problem detail ({@code application/problem+json}) that says what was wrong. */
@RestControllerAdvice(annotations = RestController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Log log = LogFactory.getLog(ApiExceptionHandler.class);

	private final Archive archive;

	ApiExceptionHandler(Archive archive) {
		this.archive = archive;
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		ProblemDetail problem = JsonInputProblem.of(ex.getMostSpecificCause());
		return (problem != null) ? handleExceptionInternal(ex, problem, headers, status, request)
				: super.handleHttpMessageNotReadable(ex, headers, status, request);
	}

	@ExceptionHandler
	ProblemDetail tooLarge(PromptTooLargeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalid(InvalidTaskException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail notFound(TaskNotFoundException ex) {
		if (ex.id() != null && this.archive.isArchived(ex.id())) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
					ex.id() + " is archived: its files are in archive/tasks/ and archive/outputs/");
		}
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail noOutput(TaskApiController.OutputNotReadyException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail noAgent(AgentApiController.AgentNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail refusedMarker(QuietMarkers.RefusedMarkerException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail conflict(TransitionNotAllowedException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail io(UncheckedIOException ex) {
		log.error("Workspace I/O failed", ex);
		return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"the workspace could not be written: " + ex.getMessage());
	}

}
