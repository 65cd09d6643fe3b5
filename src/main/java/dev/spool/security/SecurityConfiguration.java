package dev.spool.security;

import java.net.InetAddress;
import java.time.Clock;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.spool.SettingProblem;
import dev.spool.SpoolProperties;
import dev.spool.web.MarkdownProperties;

import jakarta.servlet.DispatcherType;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.util.StringUtils;

/**
 * Who may reach Spool. Always: only requests addressed to this machine, CSRF tokens on every form, JSON-only API
 * changes. With {@code spool.api-token}: a bearer token for the API and a login for the dashboard. Without it, Spool
 * refuses to listen on anything but loopback.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfiguration {

	static final String USER = "spool";

	/**
	 * Spring Security observes nothing: with a Micrometer registry present it wraps every filter of the chain, and
	 * every authentication and authorization, in an observation of its own: about a quarter of a warm API request's
	 * CPU, for meters Spool neither shows nor documents. Each request is still timed, once, as
	 * {@code http_server_requests}.
	 */
	@Bean
	SecurityObservationSettings noSecurityObservations() {
		return SecurityObservationSettings.noObservations();
	}

	@Bean
	SecurityFilterChain spoolSecurity(HttpSecurity http, SpoolProperties properties, MarkdownProperties markdown,
			Environment environment) throws Exception {
		String address = environment.getProperty("server.address");
		String token = properties.apiToken();
		boolean protectedByToken = StringUtils.hasText(token);
		if (!protectedByToken && !isLoopback(address)) {
			throw new SettingProblem("server.address", String.valueOf(address),
					"Spool would serve other machines without an access token, and anyone who reaches it could spend "
							+ "model tokens and read every answer.",
					"Set spool.api-token (the API's bearer token and the dashboard's password), or remove "
							+ "server.address so that Spool listens on 127.0.0.1 only.");
		}
		http.addFilterBefore(new HostHeaderFilter(allowedHosts(address, properties)), HeaderWriterFilter.class);
		http.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(contentSecurityPolicy(markdown))));
		http.addFilterAfter(new JsonOnlyApiFilter(), HostHeaderFilter.class);
		// The API is protected from cross-site calls by JsonOnlyApiFilter (and the token); forms by CSRF tokens.
		http.csrf((csrf) -> csrf.ignoringRequestMatchers("/api/**", "/mcp").csrfTokenRepository(csrfTokens()));
		// Spring Security makes a token only when a form asks for it, and a form near the end of a long page asks after
		// Tomcat has sent the first 8 KB, headers included: the token could no longer be stored (in a new session, as
		// it was, or a cookie) and the page was cut off there. So every page settles its token first.
		http.addFilterAfter(new EarlyCsrfTokenFilter(), CsrfFilter.class);
		if (!protectedByToken) {
			http.addFilterBefore(new LocalUserFilter(), UsernamePasswordAuthenticationFilter.class);
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
			return http.build();
		}
		SignInThrottle throttle = new SignInThrottle(Clock.systemUTC());
		http.addFilterBefore(new SignInThrottleFilter(throttle), CsrfFilter.class);
		http.addFilterBefore(new BearerTokenFilter(token, throttle), UsernamePasswordAuthenticationFilter.class);
		http.authorizeHttpRequests((requests) -> requests
			// A stream's later dispatches (server-sent events, MCP) continue a request that was already let in; the
			// bearer token is checked once, on the request itself.
			.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
			.permitAll()
			// Probes see the status only (show-details=when-authorized); the API's description needs the token too.
			.requestMatchers("/login", "/spool*.css", "/favicon*.svg", "/favicon.ico", "/webjars/**", "/actuator/health",
					"/actuator/health/**", "/error")
			.permitAll()
			.anyRequest()
			.authenticated());
		SavedRequestAwareAuthenticationSuccessHandler toPage = new SavedRequestAwareAuthenticationSuccessHandler();
		toPage.setDefaultTargetUrl("/");
		SimpleUrlAuthenticationFailureHandler toForm = new SimpleUrlAuthenticationFailureHandler("/login?error");
		http.formLogin((login) -> login.loginPage("/login").successHandler((request, response, authentication) -> {
			throttle.succeeded(request.getRemoteAddr());
			toPage.onAuthenticationSuccess(request, response, authentication);
		}).failureHandler((request, response, exception) -> {
			throttle.failed(request.getRemoteAddr());
			toForm.onAuthenticationFailure(request, response, exception);
		}).permitAll());
		http.logout((logout) -> logout.logoutSuccessUrl("/login?logout"));
		http.exceptionHandling((handling) -> handling
			.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), ApiPaths.MACHINE)
			.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"), (request) -> true));
		return http.build();
	}

	/**
	 * What a page may load: its own scripts, styles, data and streams only, no inline script, no frames around it. Images
	 * from other sites only when answers may show them ({@code spool.markdown.remote-images}).
	 */
	static String contentSecurityPolicy(MarkdownProperties markdown) {
		return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"
				+ (markdown.remoteImages() ? " https: http:" : "") + "; connect-src 'self'; font-src 'self';"
				+ " object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
	}

	/**
	 * CSRF tokens kept in a cookie, not a session: a page needs no session, and a form loaded before Spool restarted
	 * still submits after it.
	 */
	private static CsrfTokenRepository csrfTokens() {
		CookieCsrfTokenRepository tokens = new CookieCsrfTokenRepository();
		tokens.setCookieCustomizer((cookie) -> cookie.sameSite("Lax"));
		return tokens;
	}

	/** The one dashboard user, whose password is the access token; without a token nobody logs in. */
	@Bean
	UserDetailsService spoolUsers(SpoolProperties properties) {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		if (StringUtils.hasText(properties.apiToken())) {
			users.createUser(User.withUsername(USER).password("{noop}" + properties.apiToken()).roles("USER").build());
		}
		return users;
	}

	static boolean isLoopback(String address) {
		if (!StringUtils.hasText(address)) {
			return false;
		}
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	private static Set<String> allowedHosts(String address, SpoolProperties properties) {
		Set<String> hosts = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
		if (StringUtils.hasText(address) && !address.equals("0.0.0.0") && !address.equals("::")) {
			hosts.add(address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address);
		}
		properties.allowedHosts().forEach((host) -> hosts.add(host.strip().toLowerCase(Locale.ROOT)));
		return Set.copyOf(hosts);
	}

}
