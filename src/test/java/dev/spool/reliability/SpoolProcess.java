package dev.spool.reliability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.spool.ModelStub;

import org.springframework.util.FileSystemUtils;

/**
 * Spool run as a real separate JVM on a workspace, with its output in a log file. It is stopped the hard way
 * ({@link #kill()}: {@code SIGKILL}, nothing runs after it) or the normal way ({@link #stop()}).
 */
final class SpoolProcess {

	private static final String STARTED = "Started SpoolApplication";

	private static String classPath;

	private final String name;

	private final Process process;

	private final Path log;

	private final Instant launchedAt;

	private final long launchedNanos;

	private volatile long startedNanos;

	private SpoolProcess(String name, Process process, Path log, Instant launchedAt, long launchedNanos) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.launchedAt = launchedAt;
		this.launchedNanos = launchedNanos;
	}

	/**
	 * Starts Spool on a workspace, asking the model stub for answers under a model name equal to {@code name}, so the
	 * stub can tell the processes apart.
	 */
	static SpoolProcess launch(String name, Path workspace, ModelStub model, Path logFolder) throws IOException {
		return launch(name, workspace, model, logFolder, Map.of());
	}

	/**
	 * Starts Spool with some settings other than the tests' usual ones. Each setting is passed once: Spring joins a
	 * setting given twice with a comma.
	 */
	static SpoolProcess launch(String name, Path workspace, ModelStub model, Path logFolder,
			Map<String, String> overrides) throws IOException {
		Files.createDirectories(logFolder);
		Path log = logFolder.resolve(name + ".log");
		List<String> command = new ArrayList<>(List.of(SpoolClassPath.javaBinary()));
		command.addAll(SpoolClassPath.javaArguments());
		command.add("dev.spool.SpoolApplication");
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("server.port", "0");
		settings.put("spool.workspace", workspace.toString());
		settings.put("spool.stale-after", "1500ms");
		settings.put("spool.heartbeat-interval", "200ms");
		settings.put("spool.rescan-interval", "500ms");
		settings.put("spool.retry-backoff", "50ms");
		settings.put("spool.max-attempts", "10");
		settings.put("spring.ai.openai.api-key", "test");
		settings.put("spring.ai.openai.base-url", model.baseUrl());
		settings.put("spring.ai.openai.max-retries", "0");
		settings.put("spring.ai.openai.chat.model", name);
		settings.put("logging.level.root", "WARN");
		settings.put("logging.level.dev.spool", "INFO");
		settings.put("spring.main.banner-mode", "off");
		// Crash tests start dozens of these on two cores; the first page's render is theirs to pay for when they ask.
		settings.put("spool.dashboard.warm-up", "false");
		settings.putAll(overrides);
		settings.forEach((key, value) -> command.add("--" + key + "=" + value));
		Instant launchedAt = Instant.now();
		long launchedNanos = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new SpoolProcess(name, process, log, launchedAt, launchedNanos);
	}

	/**
	 * This JVM's class path: target/test-classes, target/classes and every dependency. Surefire may run tests with a
	 * manifest-only jar as {@code java.class.path}; it names the real path in {@code surefire.test.class.path}.
	 */
	static String testClassPath() {
		String surefire = System.getProperty("surefire.test.class.path");
		return (surefire != null && !surefire.isBlank()) ? surefire : System.getProperty("java.class.path");
	}

	/**
	 * The class path for Spool processes when {@link SpoolClassPath} cannot pack the classes into a jar: this JVM's, with its folders of classes (target/classes; the test classes
	 * are left out, Spool does not need them) copied once into {@code snapshot}. A process started minutes later then
	 * runs the code this test run was built with, even if a build elsewhere rewrites target/classes in the meantime.
	 */
	static synchronized String classPath(Path snapshot) throws IOException {
		if (classPath == null) {
			List<String> entries = new ArrayList<>();
			int folders = 0;
			for (String entry : testClassPath().split(File.pathSeparator)) {
				Path path = Path.of(entry);
				if (!Files.isDirectory(path)) {
					entries.add(entry);
				}
				else if (!path.getFileName().toString().equals("test-classes")) {
					Path copy = snapshot.resolve((folders++) + "-" + path.getFileName());
					FileSystemUtils.deleteRecursively(copy);
					FileSystemUtils.copyRecursively(path, copy);
					entries.add(copy.toString());
				}
			}
			if (folders == 0) {
				throw new IllegalStateException("no folder of classes (target/classes) on " + testClassPath());
			}
			classPath = String.join(File.pathSeparator, entries);
			System.out.println("[crash] Spool processes run with " + entries.size() + " class path entries, the classes"
					+ " copied to " + snapshot + " from " + testClassPath().split(File.pathSeparator).length
					+ " entries of this JVM's class path");
		}
		return classPath;
	}

	String name() {
		return this.name;
	}

	Instant launchedAt() {
		return this.launchedAt;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	boolean hasStarted() {
		if (this.startedNanos == 0 && logText().contains(STARTED)) {
			this.startedNanos = System.nanoTime();
		}
		return this.startedNanos != 0;
	}

	/** How long the process took to log that it had started; valid once {@link #hasStarted()}. */
	Duration startupTime() {
		return Duration.ofNanos(this.startedNanos - this.launchedNanos);
	}

	/** How long the process has run since it started; valid once {@link #hasStarted()}. */
	Duration sinceStarted() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/** Waits until Spool has started (its agents are running); fails if it dies or takes longer than the patience. */
	void awaitStarted(Duration patience) throws InterruptedException {
		long deadline = System.nanoTime() + patience.toNanos();
		while (!hasStarted()) {
			if (!this.process.isAlive()) {
				throw new AssertionError(this.name + " stopped before it started, with status "
						+ this.process.exitValue() + "; its log:\n" + logText());
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError(this.name + " did not start within " + patience + "; its log:\n" + logText());
			}
			Thread.sleep(50);
		}
	}

	/** {@code kill -9}: the JVM ends at once, whatever it was doing, with no shutdown hooks. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new AssertionError(this.name + " did not die within 30 s of SIGKILL");
		}
	}

	/** A normal stop ({@code SIGTERM}); killed if it takes longer than 30 s. */
	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
	}

	/** Kills the process if it still runs; for clean-up, never throws. */
	void killQuietly() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	String logText() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** The log's lines that report warnings and errors, for a summary of what the process went through. */
	List<String> warnings() {
		return logText().lines().filter((line) -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
	}

	@Override
	public String toString() {
		return this.name;
	}

}
