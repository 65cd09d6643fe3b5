package dev.spool.workspace;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.spool.OtherUser;
import dev.spool.pipeline.PipeWriter;
import dev.spool.pipeline.Pipes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What another local user who may write {@code tasks/}, {@code outputs/}, {@code pipes/}, {@code failures/} and
 * {@code .spool/attempts/} tries, run as that user ({@code nobody}): links, pipes, sockets and huge files planted or
 * swapped in at the moment Spool looks. Spool reads and writes only what it checked, and never waits on a pipe.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedFolderAttackTests {

	private static final String SECRET = "ROOT-ONLY-SECRET-" + System.nanoTime();

	/** How long each race with the swapping user runs. */
	private static final Duration RACE = Duration.ofSeconds(3);

	@TempDir
	Path root;

	@TempDir
	Path outside;

	private Workspace workspace;

	private Path secret;

	private Process swapper;

	@BeforeEach
	void open() throws IOException {
		OtherUser.assumeAvailable();
		this.workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), Clock.systemUTC(),
				(change) -> {
				});
		for (String shared : List.of("tasks", "outputs", "pipes", "failures", ".spool/attempts")) {
			Files.createDirectories(this.root.resolve(shared));
			OtherUser.mayWrite(this.root.resolve(shared));
		}
		// A file only Spool's user may read, which the other user may still name in a link.
		// Valid as a record and as a task, so that whatever reads it through a link would take it in.
		this.secret = Files.writeString(this.outside.resolve("secret.txt"),
				"{\"number\":1,\"outcome\":\"ERROR\",\"agent\":\"a\",\"error\":\"" + SECRET + "\"}");
		Files.setPosixFilePermissions(this.secret, PosixFilePermissions.fromString("rw-------"));
		OtherUser.mayPassThroughParentsOf(this.secret);
		Files.setPosixFilePermissions(this.outside, PosixFilePermissions.fromString("rwx--x--x"));
	}

	@AfterEach
	void stopSwapping() {
		if (this.swapper != null) {
			this.swapper.destroyForcibly();
		}
		if (this.workspace != null) {
			this.workspace.close();
		}
	}

	@Test
	void aPipeSwappedForALinkIsNeverWrittenThrough() throws Exception {
		Pipes pipes = new Pipes(this.workspace.layout(), "mkfifo");
		if (!pipes.available()) {
			throw new AssertionError("named pipes must be available on this system");
		}
		Path definition = Files.writeString(Files.createDirectories(this.root.resolve("agents")).resolve("agent_a.md"),
				"---\nroles: [writer]\n---\nYou write.\n");
		String before = Files.readString(definition);
		try (PipeWriter writer = pipes.createWriter(new PipelineStage("pipeline_001", 1, PipelineStage.Transport.FIFO))) {
			Path pipe = writer.path();
			OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c",
					"rm -f '" + pipe + "' && ln -s '" + definition + "' '" + pipe + "'");
			assertThat(pipe).isSymbolicLink();

			writer.offer("---\ncommand: [/bin/sh, -c, 'touch /tmp/owned']\n---\n".getBytes(StandardCharsets.UTF_8));
			boolean delivered = writer.flush(() -> true, Duration.ofMillis(500));

			assertThat(delivered).isFalse();
			assertThat(writer.broken()).contains("could not be opened");
		}
		assertThat(Files.readString(definition)).isEqualTo(before);
	}

	@Test
	void aPipeSwappedForAnotherPipeIsNotWrittenTo() throws Exception {
		Pipes pipes = new Pipes(this.workspace.layout(), "mkfifo");
		try (PipeWriter writer = pipes.createWriter(new PipelineStage("pipeline_002", 1, PipelineStage.Transport.FIFO))) {
			Path pipe = writer.path();
			// The other user's own pipe in its place, with its own reader waiting on it.
			OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c", "rm -f '" + pipe + "' && mkfifo -m 666 '" + pipe + "'");
			Path received = this.outside.resolve("received");
			Process reader = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
					"/bin/sh", "-c", "cat '" + pipe + "' | wc -c").redirectOutput(received.toFile()).start();
			try {
				writer.offer("stage one's answer".getBytes(StandardCharsets.UTF_8));
				// Returns as soon as the reader has the pipe open and the writer finds it is not its own.
				assertThat(writer.flush(() -> true, Duration.ofSeconds(30))).isFalse();
				assertThat(writer.broken()).contains("replaced");
			}
			finally {
				reader.destroyForcibly();
			}
		}
	}

	@Test
	void aResultSwappedForALinkAtAnyMomentNeverServesWhatTheLinkNames() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path output = this.root.resolve("outputs").resolve(task.id() + "_result.md");
		swapForever(output, "the real answer");
		int answered = 0;
		int followed = 0;
		for (long end = System.nanoTime() + RACE.toNanos(); System.nanoTime() < end;) {
			Optional<String> text = this.workspace.store().readOutput(task.id());
			assertThat(text.orElse("")).doesNotContain(SECRET);
			answered += text.isPresent() ? 1 : 0;
			followed += readFollowingLinks(output).contains(SECRET) ? 1 : 0;
		}
		// Both sides of the race were met: the real answer was read, and a read that follows links got the secret.
		assertThat(answered).isPositive();
		assertThat(followed).isPositive();
	}

	@Test
	void aPromptSwappedForALinkAtAnyMomentIsNeverHandedToAModel() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("the real prompt"));
		Path file = this.workspace.layout().task(task.file());
		swapForever(file, "the real prompt");
		int answered = 0;
		int followed = 0;
		for (long end = System.nanoTime() + RACE.toNanos(); System.nanoTime() < end;) {
			String prompt = this.workspace.store().readPrompt(task.id());
			assertThat(prompt).doesNotContain(SECRET);
			answered += prompt.contains("real prompt") ? 1 : 0;
			followed += readFollowingLinks(file).contains(SECRET) ? 1 : 0;
		}
		assertThat(answered).isPositive();
		assertThat(followed).isPositive();
	}

	@Test
	void anAttemptRecordSwappedForALinkAtAnyMomentIsNeverRead() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path record = this.workspace.layout().attempt(task.id(), 1);
		swapForever(record, "{\"number\":1,\"agent\":\"outside\",\"outcome\":\"ERROR\",\"error\":\"plain\"}");
		AttemptLog log = new AttemptLog(this.workspace.layout(), null);
		int read = 0;
		int followed = 0;
		for (long end = System.nanoTime() + RACE.toNanos(); System.nanoTime() < end;) {
			List<Attempt> history = log.read(task.id());
			assertThat(history).allSatisfy((attempt) -> assertThat(attempt.error()).doesNotContain(SECRET));
			read += history.size();
			followed += readFollowingLinks(record).contains(SECRET) ? 1 : 0;
		}
		assertThat(read).isPositive();
		assertThat(followed).isPositive();
	}

	@Test
	void aNamedPipeAmongFailureNotesIsPassedOverWithoutWaiting() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path fifo = this.root.resolve("failures").resolve(task.id() + ".outsider.1.md");
		OtherUser.run(Duration.ofSeconds(10), "mkfifo", fifo.toString());
		Files.writeString(this.root.resolve("failures").resolve(task.id() + ".outsider.2.md"), "a real failure");

		// Before, the first note's open waited for a writer that never came, on the thread that watches the folders.
		this.workspace.takeFailureNotes();

		this.workspace.index().refresh(task.id());
		assertThat(this.workspace.index().find(task.id()).orElseThrow().history())
			.extracting(Attempt::error)
			.containsExactly("a real failure");
	}

	@Test
	void aNamedPipeOrASocketAsAnAttemptRecordIsSkippedWithoutWaiting() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		OtherUser.run(Duration.ofSeconds(10), "mkfifo", this.workspace.layout().attempt(task.id(), 1).toString());

		this.workspace.index().refresh(task.id());

		assertThat(this.workspace.index().find(task.id()).orElseThrow().history()).isEmpty();
	}

	@Test
	void aHugeSparseResultIsReadOnlyUpToTheLimitAndSaysItWasCut() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path output = this.root.resolve("outputs").resolve(task.id() + "_result.md");
		OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c",
				"printf 'start of a huge answer' > '" + output + "' && truncate -s 900M '" + output + "'");

		String text = this.workspace.store().readOutput(task.id()).orElseThrow();

		assertThat(text).startsWith("start of a huge answer");
		assertThat(text.length()).isLessThan(TaskStore.MAX_OUTPUT_BYTES + 1000);
		assertThat(text).endsWith("The whole of it is in outputs/" + output.getFileName() + "]");
	}

	@Test
	void aClaimSwappedForALinkOrAPipeIsNeitherStampedThroughNorWaitedOn() throws Exception {
		Task task = this.workspace.store().create(NewTask.of("q"));
		this.workspace.index().refresh(task.id());
		Claim claim = this.workspace.store().claim(this.workspace.index().find(task.id()).orElseThrow(), "agent_a")
			.orElseThrow();
		Path claimed = this.workspace.layout().task(claim.file());
		FileTime secretTime = Files.getLastModifiedTime(this.secret);
		// The link carries the claim's own stamp, so the holder cannot tell it from its claim by time alone.
		OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c", "rm -f '" + claimed + "' && ln -s '" + this.secret
				+ "' '" + claimed + "'");
		stampWithoutFollowing(claimed, claim.stamp());

		assertThat(this.workspace.store().heartbeat(claim)).isFalse();
		assertThat(Files.getLastModifiedTime(this.secret)).isEqualTo(secretTime);

		OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c", "rm -f '" + claimed + "' && mkfifo '" + claimed + "'");
		stampWithoutFollowing(claimed, claim.stamp());
		assertThat(this.workspace.store().heartbeat(claim)).isFalse();
	}

	@Test
	void aSocketOrAPipeAsATaskFileIsFlaggedWithoutWaiting() throws Exception {
		Path tasks = this.root.resolve("tasks");
		OtherUser.run(Duration.ofSeconds(10), "mkfifo", tasks.resolve("task_101_pending.md").toString());
		OtherUser.run(Duration.ofSeconds(10), "/usr/bin/python3", "-c",
				"import socket; s = socket.socket(socket.AF_UNIX); s.bind('" + tasks.resolve("task_102_pending.md")
						+ "')");

		this.workspace.index().rescan();

		assertThat(this.workspace.index().find(TaskId.of(101)).orElseThrow().problem()).contains("not a regular file");
		assertThat(this.workspace.index().find(TaskId.of(102)).orElseThrow().problem()).contains("not a regular file");
		assertThat(this.workspace.index().claimable("agent_a", 10)).isEmpty();
	}

	/** What a reader that follows links gets at a name now: the secret, when the swap is on the link's side. */
	private static String readFollowingLinks(Path name) {
		try {
			return Files.readString(name);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** Gives a link or a pipe the claim's stamp, with {@code touch -h}, which neither follows nor opens it. */
	private static void stampWithoutFollowing(Path name, FileTime stamp) throws Exception {
		java.time.Instant time = stamp.toInstant();
		Process touch = new ProcessBuilder("touch", "-h", "-d",
				"@" + time.getEpochSecond() + "." + String.format("%09d", time.getNano()), name.toString())
			.inheritIO()
			.start();
		assertThat(touch.waitFor()).isZero();
		assertThat(Files.getLastModifiedTime(name, LinkOption.NOFOLLOW_LINKS)).isEqualTo(stamp);
	}

	/**
	 * Starts the other user swapping a name between a regular file with the given text and a link to the secret, as
	 * fast as it can, until the test ends.
	 */
	private void swapForever(Path name, String text) throws IOException {
		String program = String.join("\n", "import os, sys", "name, secret, text = sys.argv[1], sys.argv[2], sys.argv[3]",
				"folder = os.path.dirname(name)", "link, plain = folder + '/.swap-link', folder + '/.swap-plain'",
				"while True:", "    try: os.unlink(link)", "    except FileNotFoundError: pass",
				"    os.symlink(secret, link)", "    os.rename(link, name)",
				"    with open(plain, 'w') as f: f.write(text)", "    os.rename(plain, name)");
		this.swapper = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
				"/usr/bin/python3", "-c", program, name.toString(), this.secret.toString(), text)
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!Files.isSymbolicLink(name) && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
		assertThat(this.swapper.isAlive()).as("the swapper runs").isTrue();
	}

}
