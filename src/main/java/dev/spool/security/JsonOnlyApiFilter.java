package dev.spool.security;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API calls that change something (and MCP messages) unless they say they send JSON. A page on another site
 * can make a browser post a form or plain text to localhost without asking, but not JSON: that needs a CORS preflight,
 * which Spool never grants.
 */
final class JsonOnlyApiFilter extends OncePerRequestFilter {

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		// The decoded path, as Spring MVC routes it: the raw URI of POST /%61pi/tasks/{id}/cancel does not start with
		// /api/, yet it cancels the task.
		return !ApiPaths.CHANGING.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!isJson(request.getContentType())) {
			Problems.write(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					"API calls that change something must send 'Content-Type: application/json' (with an empty"
							+ " body if there is nothing to send)");
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean isJson(String contentType) {
		if (contentType == null) {
			return false;
		}
		try {
			MediaType type = MediaType.parseMediaType(contentType);
			return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
