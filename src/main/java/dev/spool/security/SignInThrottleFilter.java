package dev.spool.security;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a sign-in, or a call with a bearer token, from an address that {@link SignInThrottle} holds back: {@code 429}
 * with {@code Retry-After}, the token not even compared.
 */
final class SignInThrottleFilter extends OncePerRequestFilter {

	private static final RequestMatcher LOGIN = PathPatternRequestMatcher.withDefaults()
		.matcher(HttpMethod.POST, "/login");

	private final SignInThrottle throttle;

	SignInThrottleFilter(SignInThrottle throttle) {
		this.throttle = throttle;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader("Authorization") == null && !LOGIN.matches(request);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Optional<Duration> locked = this.throttle.lockedFor(request.getRemoteAddr());
		if (locked.isPresent()) {
			long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
			response.setHeader("Retry-After", Long.toString(seconds));
			Problems.write(response, HttpStatus.TOO_MANY_REQUESTS, "too many wrong tokens from " + request.getRemoteAddr()
					+ "; try again in " + seconds + " s");
			return;
		}
		chain.doFilter(request, response);
	}

}
