package dev.spool.security;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which requests are the API's, the MCP endpoint's and the probes', judged on the decoded path that Spring MVC routes
 * ({@code /%61pi/tasks} is {@code /api/tasks}), never on the raw URI.
 */
final class ApiPaths {

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	static final RequestMatcher API = PATHS.matcher("/api/**");

	static final RequestMatcher MCP = PATHS.matcher("/mcp");

	static final RequestMatcher ACTUATOR = PATHS.matcher("/actuator/**");

	/** The API's OpenAPI description. */
	static final RequestMatcher API_DOCS = new OrRequestMatcher(PATHS.matcher("/v3/api-docs/**"),
			PATHS.matcher("/v3/api-docs.yaml"));

	/** Requests that answer JSON, never a page: refused with a status, not sent to the login page. */
	static final RequestMatcher MACHINE = new OrRequestMatcher(API, MCP, ACTUATOR, API_DOCS);

	/** Calls that change something and so must say they send JSON; an MCP client ends its session with a bodiless DELETE. */
	static final RequestMatcher CHANGING = new OrRequestMatcher(PATHS.matcher(HttpMethod.POST, "/api/**"),
			PATHS.matcher(HttpMethod.PUT, "/api/**"), PATHS.matcher(HttpMethod.PATCH, "/api/**"),
			PATHS.matcher(HttpMethod.DELETE, "/api/**"), PATHS.matcher(HttpMethod.POST, "/mcp"));

	private ApiPaths() {
	}

}
