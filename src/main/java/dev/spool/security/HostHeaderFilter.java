package dev.spool.security;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses requests addressed to a host that is not this service's own. A web page on another site can make the
 * browser resolve its own name to 127.0.0.1 (DNS rebinding); such requests still carry that site's name as
 * {@code Host}, and are refused here.
 */
final class HostHeaderFilter extends OncePerRequestFilter {

	private final Set<String> allowed;

	HostHeaderFilter(Set<String> allowed) {
		this.allowed = allowed;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader("Host");
		String host = (header != null) ? hostName(header) : hostName(request.getServerName());
		if (host == null || !this.allowed.contains(host)) {
			Problems.write(response, HttpStatus.MISDIRECTED_REQUEST, "requests must be addressed to this machine"
					+ " (localhost or 127.0.0.1), not to '" + request.getHeader("Host")
					+ "'; add other names to spool.allowed-hosts");
			return;
		}
		chain.doFilter(request, response);
	}

	/** The name part of a Host header, lower-case, without the port; IPv6 literals keep their brackets. */
	static String hostName(String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		String host = header.strip().toLowerCase(Locale.ROOT);
		if (host.startsWith("[")) {
			int end = host.indexOf(']');
			return (end < 0) ? null : host.substring(0, end + 1);
		}
		int colon = host.indexOf(':');
		return (colon < 0) ? host : host.substring(0, colon);
	}

}
