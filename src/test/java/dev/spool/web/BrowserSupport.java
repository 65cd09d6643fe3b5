package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium for the dashboard tests, driven through the system's {@code chromedriver} (Selenium Manager
 * never downloads anything). Without Chromium the tests are skipped on a developer's machine and fail in CI
 * ({@code CI=true}), where they must run.
 */
final class BrowserSupport implements AutoCloseable {

	static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

	static final Path SCREENSHOTS = Paths.get("target", "screenshots");

	private static final String MISSING = "Chromium not installed: apt-get install chromium chromium-driver";

	private final ChromeDriver driver;

	private final Path profile;

	private BrowserSupport(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/** Starts the browser, or skips (fails in CI) when Chromium or its driver is missing. */
	static BrowserSupport start() {
		boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
			Assertions.fail(MISSING + " (CI=true, so the browser tests must run)");
		}
		Assumptions.assumeTrue(installed, MISSING);
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		try {
			Path profile = Files.createTempDirectory("spool-chromium-");
			ChromeOptions options = new ChromeOptions();
			options.setBinary(CHROMIUM.toFile());
			options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--no-first-run", "--window-size=1280,1000", "--user-data-dir=" + profile);
			LoggingPreferences logs = new LoggingPreferences();
			logs.enable(LogType.BROWSER, Level.ALL);
			options.setCapability("goog:loggingPrefs", logs);
			ChromeDriverService service = new ChromeDriverService.Builder()
				.usingDriverExecutable(CHROMEDRIVER.toFile())
				.usingAnyFreePort()
				.build();
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
			return new BrowserSupport(driver, profile);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	ChromeDriver driver() {
		return this.driver;
	}

	/**
	 * Makes the running browser forget what an earlier journey left behind, as a fresh profile would have nothing of
	 * it: the page is left for {@code about:blank}, then every cookie, the HTTP cache, everything an origin stored
	 * (local and session storage, IndexedDB, service workers), granted permissions, the download behaviour, the time
	 * zone and screen size overrides, and the console messages not yet read. Costs milliseconds where a new Chromium
	 * costs seconds.
	 */
	void forgetEverything(String origin) {
		this.driver.get("about:blank");
		this.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
		this.driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
		this.driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
		this.driver.executeCdpCommand("Browser.resetPermissions", Map.of());
		this.driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "default"));
		this.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
		this.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		this.driver.manage().logs().get(LogType.BROWSER);
		if (!this.driver.manage().getCookies().isEmpty()) {
			throw new IllegalStateException("cookies left after clearing: " + this.driver.manage().getCookies());
		}
	}

	/** Opens a page and waits for it to finish loading; a page cut off in transfer never does. */
	void open(String url) {
		this.driver.get(url);
		try {
			until(Duration.ofSeconds(10), (driver) -> "complete".equals(script("return document.readyState")));
		}
		catch (TimeoutException ex) {
			String html = (String) script("return document.documentElement.outerHTML");
			throw new AssertionError(url + " never finished loading (readyState " + script("return document.readyState")
					+ "); the page ends with: " + html.substring(Math.max(0, html.length() - 300)), ex);
		}
	}

	/** Does something that loads another page (a form post, a link) and waits until that page has loaded. */
	void navigateBy(Runnable action) {
		script("window.__leaving = true");
		// A live refresh may replace the element between finding and clicking it: nothing was clicked, so try again.
		until(Duration.ofSeconds(15), (driver) -> {
			action.run();
			return true;
		});
		until(Duration.ofSeconds(15), (driver) -> Boolean.TRUE
			.equals(script("return window.__leaving !== true && document.readyState === 'complete'")) ? true : null);
	}

	/** Waits until the page's live regions listen to {@code /api/events}. */
	void awaitLive() {
		until(Duration.ofSeconds(10),
				(driver) -> "connected".equals(script("return document.documentElement.dataset.live || null")));
	}

	Object script(String script, Object... arguments) {
		return ((JavascriptExecutor) this.driver).executeScript(script, arguments);
	}

	/** The visible text of the first element matching a CSS selector, or null; read in one step, so never stale. */
	String text(String css) {
		return (String) script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
	}

	/** An attribute of the first element matching a CSS selector, or null. */
	String attribute(String css, String name) {
		return (String) script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
				css, name);
	}

	/** Waits for a condition; live regions replace their elements, so stale references are tried again. */
	<T> T until(Duration timeout, ExpectedCondition<T> condition) {
		return new WebDriverWait(this.driver, timeout, Duration.ofMillis(100))
			.ignoring(StaleElementReferenceException.class)
			.until(condition);
	}

	/** Saves the whole page as {@code target/screenshots/<name>.png}. */
	Path screenshot(String name) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path file = SCREENSHOTS.resolve(name + ".png");
			Files.write(file, fullPage());
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What axe-core, run inside the open page, finds against WCAG 2.1 A and AA and its best practices: one line per
	 * rule broken, with the elements that break it.
	 * <p>
	 * A page whose {@linkplain #PAGE_SHAPE shape} this JVM has already seen pass is not checked again: axe-core's
	 * findings follow from the elements, their attributes, which of them hold text, the style sheets, the viewport and
	 * the colour scheme, all of which the shape holds, and the same Spool build serves the same style sheets to every
	 * test. A journey that opens the board twenty times with other tasks on it in the same states costs one check
	 * (about a second each on two cores), not twenty; a row in a state not seen before changes the shape and is checked.
	 */
	List<String> accessibilityProblems() {
		String shape = (String) script(PAGE_SHAPE);
		if (PASSED_SHAPES.contains(shape)) {
			return List.of();
		}
		if (!Boolean.TRUE.equals(script("return typeof window.axe === 'object'"))) {
			script(AxeSource.TEXT);
		}
		Object found = this.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
				+ " axe.run(document, { resultTypes: ['violations'] })"
				+ ".then((result) => done(result.violations.map((rule) => rule.id + ' (' + rule.impact + '): '"
				+ " + rule.help + ' at ' + rule.nodes.map((node) => node.target.join(' ')).join(', '))))"
				+ ".catch((error) => done(['axe failed: ' + error]));");
		@SuppressWarnings("unchecked")
		List<String> problems = (List<String>) found;
		if (problems.isEmpty() && shape.equals(script(PAGE_SHAPE))) {
			PASSED_SHAPES.add(shape);
		}
		return problems;
	}

	/**
	 * What axe-core's findings on the open page depend on: the viewport, the colour scheme, the motion preference and
	 * how many ids are used twice, as they are; then each element with its attributes (the values of hidden fields and
	 * of a live region's version left out: a CSRF token differs on every page), whether it holds text of its own and
	 * whether the ids it refers to are there, with every run of digits read as one. Pages that differ only in task
	 * ids, counts, times and titles have the same shape; the same page at 400 px wide has another one.
	 */
	private static final String PAGE_SHAPE = """
			const ids = new Map();
			for (const e of document.querySelectorAll('[id]')) ids.set(e.id, (ids.get(e.id) || 0) + 1);
			const page = [innerWidth + 'x' + innerHeight, matchMedia('(prefers-color-scheme: dark)').matches,
			  matchMedia('(prefers-reduced-motion: reduce)').matches,
			  'ids used twice: ' + [...ids.values()].filter((count) => count > 1).length];
			const lines = [];
			for (const e of document.querySelectorAll('*')) {
			  let line = e.tagName;
			  for (const a of e.attributes) {
			    const opaque = a.name === 'data-version' || (a.name === 'value' && e.type === 'hidden');
			    line += ' ' + a.name + (opaque ? '' : '="' + a.value + '"');
			    if (['for', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-owns', 'list', 'form']
			        .includes(a.name)) {
			      line += a.value.split(/\\s+/).filter((id) => id && !ids.has(id)).length ? ' (missing)' : ' (found)';
			    }
			  }
			  for (const n of e.childNodes) {
			    if (n.nodeType === Node.TEXT_NODE && n.nodeValue.trim()) { line += ' #text'; break; }
			  }
			  if (e.shadowRoot) line += ' #shadow';
			  lines.push(line);
			}
			return page.join('\\n') + '\\n' + lines.join('\\n').replace(/\\d+/g, '0');
			""";

	/** The shapes of pages axe-core found nothing on, in this JVM. */
	private static final Set<String> PASSED_SHAPES = ConcurrentHashMap.newKeySet();

	/** Shows pages as a 400 px wide screen would, or back at the window's own size with {@code 0}. */
	void width(int pixels) {
		if (pixels == 0) {
			this.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
			return;
		}
		this.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
				Map.of("width", pixels, "height", 900, "deviceScaleFactor", 1, "mobile", false));
	}

	/** How many pixels the page's body is wider than the window, so that it scrolls sideways; 0 when it fits. */
	long sidewaysOverflow() {
		return ((Number) script("return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"))
			.longValue();
	}

	/**
	 * Whether a console line is a request that lost its connection because Spool stopped under the page: refused
	 * once Spool no longer listens, reset, closed or cut short mid-answer (a region's chunked page, seen once in a
	 * verify) when it was open as Spool shut down; Spool's log, which those tests check, shows no error then. The page
	 * rides these out by design (the event stream notices and refreshes everything once Spool is back); a test that
	 * stops Spool under a page allows them and nothing else.
	 */
	static boolean lostWhileSpoolStopped(String message) {
		return LOST.matcher(message).find();
	}

	private static final Pattern LOST = Pattern.compile(
			" - Failed to load resource: net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE"
					+ "|INCOMPLETE_CHUNKED_ENCODING)$");

	/** Messages the page logged that point at a problem (script errors, failed loads). */
	List<String> consoleProblems() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.WARNING.intValue())
			.map(LogEntry::getMessage)
			.filter((message) -> !message.contains("favicon.ico"))
			.toList();
	}

	/** axe-core's script, vendored under {@code src/test/resources/axe-core} from its npm package. */
	private static final class AxeSource {

		static final String TEXT = read();

		private static String read() {
			try (var in = BrowserSupport.class.getResourceAsStream("/axe-core/axe.min.js")) {
				return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	private byte[] fullPage() {
		try {
			@SuppressWarnings("unchecked")
			Map<String, Object> metrics = (Map<String, Object>) this.driver.executeCdpCommand("Page.getLayoutMetrics",
					Map.of());
			@SuppressWarnings("unchecked")
			Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
			double width = ((Number) size.get("width")).doubleValue();
			double height = Math.min(((Number) size.get("height")).doubleValue(), 10_000);
			Map<String, Object> shot = this.driver.executeCdpCommand("Page.captureScreenshot",
					Map.of("format", "png", "captureBeyondViewport", true, "clip",
							Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
			return Base64.getDecoder().decode((String) shot.get("data"));
		}
		catch (WebDriverException | ClassCastException | NullPointerException ex) {
			return this.driver.getScreenshotAs(OutputType.BYTES);
		}
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A temporary profile left behind does no harm.
			}
		}
	}

}
