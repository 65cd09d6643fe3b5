package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test's main class in a JVM of its own, with this JVM's class path, as {@link ClaimRaceTests} does. */
final class ChildJvm {

	private ChildJvm() {
	}

	/** Starts {@code main} with the arguments, its output and errors going to {@code log}. */
	static Process start(Class<?> main, Path log, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(javaBinary());
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-XX:+UseSerialGC");
		command.add("-cp");
		command.add(classPath());
		command.add(main.getName());
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	private static String javaBinary() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	/**
	 * The class path of this JVM. Surefire may start tests with a manifest-only jar as the class path; it names the
	 * real one in {@code surefire.test.class.path}.
	 */
	private static String classPath() {
		String surefire = System.getProperty("surefire.test.class.path");
		if (surefire != null && !surefire.isBlank()) {
			return surefire;
		}
		return System.getProperty("java.class.path");
	}

}
