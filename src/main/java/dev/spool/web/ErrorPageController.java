package dev.spool.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.ModelAndView;

/**
 * Every error a request reaches outside a controller (no such page, a method the page does not take, a failure before
 * any controller ran) in Spool's own words, in place of Spring Boot's Whitelabel page: Spool's error page for a
 * browser, a JSON problem detail for the API and for every other client.
 */
@Controller
class ErrorPageController implements ErrorController {

	private static final byte[] FAVICON = favicon();

	@RequestMapping("/error")
	Object error(HttpServletRequest request) {
		HttpStatus status = status(request);
		String path = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		String message = message(status, path);
		if (wantsPage(request, path)) {
			return PageExceptionHandler.page(status, message);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
		if (path != null) {
			problem.setInstance(java.net.URI.create(path));
		}
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	/** Browsers ask for {@code /favicon.ico} wherever a page names no icon (a JSON answer, an image): the same icon. */
	@GetMapping("/favicon.ico")
	ResponseEntity<byte[]> favicon(HttpServletRequest request) {
		return ResponseEntity.ok()
			.contentType(MediaType.valueOf("image/svg+xml"))
			.cacheControl(CacheControl.maxAge(java.time.Duration.ofDays(1)))
			.body(FAVICON);
	}

	/** GET on the form's address, {@code /tasks}, is the board. */
	@GetMapping({ "/tasks", "/tasks/" })
	String board() {
		return "redirect:/";
	}

	private static HttpStatus status(HttpServletRequest request) {
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		HttpStatus status = (code instanceof Integer number) ? HttpStatus.resolve(number) : null;
		return (status != null) ? status : HttpStatus.INTERNAL_SERVER_ERROR;
	}

	private static String message(HttpStatus status, String path) {
		String where = (path != null) ? path : "this address";
		return switch (status) {
			case NOT_FOUND -> "Spool has nothing at " + where + ".";
			case METHOD_NOT_ALLOWED -> where + " does not take a " + "request of this kind (method).";
			case UNAUTHORIZED, FORBIDDEN -> where + " needs Spool's access token.";
			default -> status.is5xxServerError() ? "Spool failed to answer " + where + "; its log says why."
					: "Spool could not answer " + where + " (" + status.getReasonPhrase() + ").";
		};
	}

	/** A page for a browser that asks for HTML, except on the API's paths, which always answer JSON. */
	private static boolean wantsPage(HttpServletRequest request, String path) {
		if (path != null && (path.startsWith("/api/") || path.equals("/api") || path.startsWith("/mcp")
				|| path.startsWith("/actuator"))) {
			return false;
		}
		List<MediaType> accepted = MediaType.parseMediaTypes(request.getHeader("Accept"));
		return accepted.stream().anyMatch((type) -> type.isCompatibleWith(MediaType.TEXT_HTML) && !type.isWildcardType());
	}

	private static byte[] favicon() {
		try (InputStream in = new ClassPathResource("static/favicon.svg").getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
