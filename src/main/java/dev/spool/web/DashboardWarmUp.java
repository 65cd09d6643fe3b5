package dev.spool.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

import dev.spool.SpoolProperties;

/**
 * Opens the dashboard's first page once, from this machine, as soon as Spool is ready. The first page Spool renders
 * starts Thymeleaf (its dialects load some hundreds of classes), parses the templates and runs each expression for
 * the first time: half a second that would otherwise fall to the first person who opens the dashboard. It runs on a
 * thread of its own, and whatever goes wrong only leaves that first page as slow as it was.
 */
@Component
class DashboardWarmUp {

	private static final Log logger = LogFactory.getLog(DashboardWarmUp.class);

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	private final DashboardProperties dashboard;

	private final SpoolProperties properties;

	private final Environment environment;

	DashboardWarmUp(DashboardProperties dashboard, SpoolProperties properties, Environment environment) {
		this.dashboard = dashboard;
		this.properties = properties;
		this.environment = environment;
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		if (!this.dashboard.warmUp() || !(event.getApplicationContext() instanceof WebServerApplicationContext web)
				|| web.getWebServer() == null || web.getWebServer().getPort() <= 0 || servesTls()) {
			return;
		}
		int port = web.getWebServer().getPort();
		// With a token every page but the sign-in page sends a person there first.
		String page = StringUtils.hasText(this.properties.apiToken()) ? "/login" : "/";
		String path = this.environment.getProperty("server.servlet.context-path", "") + page;
		Thread thread = new Thread(() -> open(address(), port, path), "spool-warm-up");
		thread.setDaemon(true);
		thread.start();
	}

	/** A plain socket cannot speak TLS; a server that does is left to warm up on its first visitor. */
	private boolean servesTls() {
		return Ssl.isEnabled(Binder.get(this.environment).bind("server.ssl", Ssl.class).orElse(null));
	}

	/** The address the server listens on, or this machine's loopback address when it listens on every one. */
	private InetAddress address() {
		String bound = this.environment.getProperty("server.address");
		try {
			InetAddress address = (bound != null && !bound.isBlank()) ? InetAddress.getByName(bound.strip()) : null;
			return (address == null || address.isAnyLocalAddress()) ? InetAddress.getLoopbackAddress() : address;
		}
		catch (IOException ex) {
			return InetAddress.getLoopbackAddress();
		}
	}

	/** Asks for the page as a browser on this machine would, reads the whole answer and lets it go. */
	private static void open(InetAddress address, int port, String path) {
		long began = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address, port), (int) PATIENCE.toMillis());
			socket.setSoTimeout((int) PATIENCE.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port
					+ "\r\nAccept: text/html\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			String status = statusLine(in);
			in.transferTo(OutputStream.nullOutputStream());
			if (logger.isDebugEnabled()) {
				logger.debug("Opened " + path + " to warm the dashboard up: " + status + " in "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not open " + path + " to warm the dashboard up: " + ex);
		}
	}

	private static String statusLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int next = in.read(); next >= 0 && next != '\r' && next != '\n' && line.length() < 200;
				next = in.read()) {
			line.append((char) next);
		}
		return line.toString();
	}

}
