package dev.spool.reliability;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.springframework.util.FileSystemUtils;

/**
 * How Spool processes find their classes quickly: target/classes packed once into a jar named by a hash of its
 * contents, and an AppCDS archive of the classes Spool loads while it starts, made once by a Spool that exits after its
 * context refreshed. Every Spool process of a test run then reads its classes from the archive instead of parsing and
 * verifying them again. Both live in target/spool-jvm, built under a file lock so that parallel test JVMs build them
 * once; a content-named jar is never stale, and the archive is named after the whole class path and the JVM it was
 * made for. The cache only saves time: whatever goes wrong with it, Spool runs without it.
 */
final class SpoolClassPath {

	private static final Path CACHE = Path.of("target", "spool-jvm").toAbsolutePath();

	/** How every Spool process runs: a small heap, a quick compiler, the serial collector, and class data sharing. */
	static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
			"-Xshare:auto");

	private static final Duration ARCHIVE_PATIENCE = Duration.ofMinutes(3);

	private static Launch launch;

	private SpoolClassPath() {
	}

	/**
	 * The JVM options and class path with which a Spool process starts: the class path as a string that never changes
	 * within a test run (the archive only serves the class path it was made with), and the archive when there is one.
	 */
	static synchronized List<String> javaArguments() throws IOException {
		if (launch == null) {
			launch = prepare();
		}
		List<String> arguments = new ArrayList<>(JVM_OPTIONS);
		launch.archive().ifPresent((archive) -> arguments.add("-XX:SharedArchiveFile=" + archive));
		arguments.add("-cp");
		arguments.add(launch.classPath());
		return arguments;
	}

	private static Launch prepare() throws IOException {
		try {
			Files.createDirectories(CACHE);
			try (FileChannel lockFile = FileChannel.open(CACHE.resolve("lock"), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
				String classPath = jarredClassPath();
				return new Launch(classPath, archive(classPath));
			}
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("[spool-jvm] classes not packed into a jar (" + ex + "); Spool runs from a copy of"
					+ " target/classes, without a class data archive");
			return new Launch(SpoolProcess.classPath(Path.of("target", "crash-recovery", "classes").toAbsolutePath()),
					Optional.empty());
		}
	}

	/** This JVM's class path with test-classes left out and target/classes replaced by its content-named jar. */
	private static String jarredClassPath() throws IOException {
		List<String> entries = new ArrayList<>();
		int folders = 0;
		for (String entry : SpoolProcess.testClassPath().split(File.pathSeparator)) {
			Path path = Path.of(entry);
			if (!Files.isDirectory(path)) {
				entries.add(entry);
			}
			else if (!path.getFileName().toString().equals("test-classes")) {
				entries.add(jar(path).toString());
				folders++;
			}
		}
		if (folders != 1) {
			throw new IllegalStateException("expected one folder of classes (target/classes) on the class path, found "
					+ folders);
		}
		return String.join(File.pathSeparator, entries);
	}

	/**
	 * The jar of a folder, named by its paths and its files' contents: built unless a jar of this name exists. It has
	 * an entry for every folder too, or Spring's component scan and {@code classpath:/templates/} would find nothing.
	 */
	private static Path jar(Path folder) throws IOException {
		List<Path> files;
		try (Stream<Path> walk = Files.walk(folder)) {
			files = walk.filter((path) -> !path.equals(folder)).sorted().toList();
		}
		MessageDigest digest = sha256();
		for (Path file : files) {
			digest.update(entryName(folder, file).getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			if (Files.isRegularFile(file)) {
				digest.update(Files.readAllBytes(file));
				digest.update((byte) 0);
			}
		}
		Path jar = CACHE.resolve("classes-" + hex(digest, 16) + ".jar");
		if (!Files.exists(jar)) {
			Path temporary = Files.createTempFile(CACHE, ".classes", ".jar.tmp");
			try (OutputStream out = Files.newOutputStream(temporary); JarOutputStream zip = new JarOutputStream(out)) {
				for (Path file : files) {
					zip.putNextEntry(new JarEntry(entryName(folder, file)));
					if (Files.isRegularFile(file)) {
						zip.write(Files.readAllBytes(file));
					}
					zip.closeEntry();
				}
			}
			Files.move(temporary, jar, StandardCopyOption.ATOMIC_MOVE);
			System.out.println("[spool-jvm] " + folder + " packed into " + jar);
		}
		return jar;
	}

	private static String entryName(Path folder, Path file) {
		String name = folder.relativize(file).toString().replace(File.separatorChar, '/');
		return Files.isDirectory(file) ? name + "/" : name;
	}

	/**
	 * The class data archive for this class path and this JVM, made unless it exists; empty, and said once, when it
	 * cannot be made.
	 */
	private static Optional<Path> archive(String classPath) {
		MessageDigest digest = sha256();
		digest.update((javaBinary() + "\0" + System.getProperty("java.vm.version") + "\0" + JVM_OPTIONS + "\0"
				+ classPath).getBytes(StandardCharsets.UTF_8));
		Path archive = CACHE.resolve("spool-" + hex(digest, 16) + ".jsa");
		Path failed = CACHE.resolve(archive.getFileName() + ".failed");
		if (Files.exists(archive)) {
			return Optional.of(archive);
		}
		if (Files.exists(failed)) {
			System.out.println("[spool-jvm] Spool processes run without a class data archive: it failed before, see "
					+ CACHE.resolve("archive.log"));
			return Optional.empty();
		}
		Path workspace = null;
		try {
			Path temporary = CACHE.resolve(".spool-" + ProcessHandle.current().pid() + ".jsa.tmp");
			Files.deleteIfExists(temporary);
			workspace = Files.createTempDirectory(CACHE, "archive-workspace");
			Path log = CACHE.resolve("archive.log");
			List<String> command = new ArrayList<>(List.of(javaBinary()));
			command.addAll(JVM_OPTIONS);
			command.addAll(List.of("-XX:ArchiveClassesAtExit=" + temporary, "-Dspring.context.exit=onRefresh", "-cp",
					classPath, "dev.spool.SpoolApplication"));
			Map.of("server.port", "0", "spool.workspace", workspace.toString(), "spring.ai.openai.api-key", "test",
					"spring.ai.openai.base-url", "http://127.0.0.1:9/v1", "spring.main.banner-mode", "off")
				.forEach((key, value) -> command.add("--" + key + "=" + value));
			long began = System.nanoTime();
			Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			if (!process.waitFor(ARCHIVE_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				process.waitFor(30, TimeUnit.SECONDS);
				throw new IOException("no archive within " + ARCHIVE_PATIENCE);
			}
			if (process.exitValue() != 0 || !Files.isRegularFile(temporary) || Files.size(temporary) == 0) {
				throw new IOException("the archiving JVM exited with status " + process.exitValue()
						+ " and left no archive; see " + log);
			}
			Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE);
			System.out.println("[spool-jvm] class data archive " + archive + " made in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
			return Optional.of(archive);
		}
		catch (IOException | RuntimeException ex) {
			System.out.println("[spool-jvm] Spool processes run without a class data archive: " + ex);
			try {
				Files.writeString(failed, ex.toString());
			}
			catch (IOException notMarked) {
				// the next test JVM tries again
			}
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
		finally {
			if (workspace != null) {
				try {
					FileSystemUtils.deleteRecursively(workspace);
				}
				catch (IOException ex) {
					// only a leftover under target/
				}
			}
		}
	}

	static String javaBinary() {
		return ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(MessageDigest digest, int length) {
		return HexFormat.of().formatHex(digest.digest()).substring(0, length);
	}

	private record Launch(String classPath, Optional<Path> archive) {
	}

}
