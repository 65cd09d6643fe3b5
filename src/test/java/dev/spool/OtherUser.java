package dev.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Another local user ({@code nobody}) who may write the workspace's shared folders but is not Spool's user: the one
 * whose attacks the security tests try. Commands run as that user with {@code setpriv}, which needs root; where that
 * is impossible a test is skipped with a message, but never in CI.
 */
public final class OtherUser {

	/** {@code nobody}'s user and group id. */
	public static final int ID = 65534;

	private OtherUser() {
	}

	/** Skips the calling test unless commands can run as another user; fails instead in CI, where they must. */
	public static void assumeAvailable() {
		boolean root = "root".equals(System.getProperty("user.name"));
		boolean setpriv = Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv"));
		if (System.getenv("CI") != null && !(root && setpriv)) {
			fail("CI must run the tests that act as another user: run them as root with setpriv installed");
		}
		assumeTrue(root && setpriv, "acting as another user needs root and setpriv; run as root to try these attacks");
	}

	/**
	 * Lets the other user reach a folder and write in it: it becomes writable by everyone (with the sticky bit off,
	 * so the other user may also remove and rename what Spool wrote there, as a shared folder allows), and every
	 * folder above it can be passed through.
	 */
	public static void mayWrite(Path folder) throws IOException {
		Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
		mayPassThroughParentsOf(folder);
	}

	/** Lets the other user pass through every folder above this one (nothing more). */
	public static void mayPassThroughParentsOf(Path path) throws IOException {
		for (Path parent = path.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
			Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(parent));
			if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
				Files.setPosixFilePermissions(parent, permissions);
			}
		}
	}

	/** Runs a command as the other user and waits for it; returns what it printed, failing the test if it fails. */
	public static String run(Duration timeout, String... command) throws IOException, InterruptedException {
		Result result = start(timeout, command);
		if (result.exitCode() != 0) {
			fail("as the other user, " + String.join(" ", command) + " exited with " + result.exitCode() + ": "
					+ result.output());
		}
		return result.output();
	}

	/** Runs a command as the other user and waits for it, whatever its exit code. */
	public static Result start(Duration timeout, String... command) throws IOException, InterruptedException {
		List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + ID, "--regid=" + ID, "--clear-groups"));
		full.addAll(List.of(command));
		Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			fail("as the other user, " + String.join(" ", command) + " did not end within " + timeout);
		}
		return new Result(process.exitValue(),
				new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	/** How a command run as the other user ended. */
	public record Result(int exitCode, String output) {
	}

}
