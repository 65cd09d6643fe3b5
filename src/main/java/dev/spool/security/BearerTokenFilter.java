package dev.spool.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/** Authenticates API calls that carry {@code Authorization: Bearer <spool.api-token>}; a wrong token is refused. */
final class BearerTokenFilter extends OncePerRequestFilter {

	private static final String PREFIX = "Bearer ";

	private final byte[] token;

	private final SignInThrottle throttle;

	BearerTokenFilter(String token, SignInThrottle throttle) {
		this.token = token.getBytes(StandardCharsets.UTF_8);
		this.throttle = throttle;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Authorization");
		if (header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
			byte[] offered = header.substring(PREFIX.length()).strip().getBytes(StandardCharsets.UTF_8);
			if (!MessageDigest.isEqual(offered, this.token)) {
				this.throttle.failed(request.getRemoteAddr());
				Problems.write(response, HttpStatus.UNAUTHORIZED, "the bearer token is not spool.api-token");
				return;
			}
			this.throttle.succeeded(request.getRemoteAddr());
			SecurityContextHolder.getContext()
				.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("api", null,
						List.of(new SimpleGrantedAuthority("ROLE_API"))));
		}
		chain.doFilter(request, response);
	}

}
