package dev.spool.security;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API calls that change something (and MCP messages) unless they say they send JSON. A page on another site can make a browser
 * post a form or plain text to localhost without asking, but not JSON: that needs a CORS preflight, which Spool never
 * grants.
 */
final class JsonOnlyApiFilter extends OncePerRequestFilter {

	private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (path.equals("/mcp")) {
			// MCP messages are JSON-RPC posts; a client ends its session with a DELETE that has no body.
			return !request.getMethod().equals("POST");
		}
		return !path.startsWith("/api/") || !CHANGING.contains(request.getMethod());
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
