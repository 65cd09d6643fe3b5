package dev.spool.agent;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.ModelReply;
import dev.spool.ModelRequest;
import dev.spool.ModelStub;
import dev.spool.workspace.Attempt;
import dev.spool.pipeline.Pipeline;
import dev.spool.workspace.PipelineStage;
import dev.spool.pipeline.Pipelines;
import dev.spool.pipeline.Pipes;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fifo pipelines on Linux against a stub of the OpenAI API: stage one's answer streams through a named pipe while the
 * model writes it, and stage two asks its model with exactly the answer stage one committed; broken, retried and
 * killed streams are never passed on, and no pipe is left behind. Agents {@code tester} and {@code second} take
 * stage one and stage two, so both run at once.
 */
@EnabledOnOs(OS.LINUX)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@TestPropertySource(properties = { "spring.ai.openai.api-key=test-key", "spring.ai.openai.chat.model=test-model",
		"spool.retry-backoff=50ms", "spool.heartbeat-interval=500ms", "spring.ai.openai.max-retries=0",
		"spool.task-timeout=20s", "spool.pipes.stall-timeout=3s" })
@DirtiesContext
class PipelineFifoTests {

	static final String STAGE_ONE = "Write the draft.";

	static final String STAGE_TWO = "Polish the draft.";

	@TempDir
	static Path workspaces;

	/** How long stage one's first answer waits for stage two to read; below the two minutes of a model call. */
	static final Duration READING_PATIENCE = Duration.ofSeconds(90);

	/** How long a test whose stage one waits for its reader waits for the stages to finish. */
	static final Duration FINISH_PATIENCE = READING_PATIENCE.plus(ModelEndpointTests.PATIENCE);

	/** Counts every answer the stub gives, so that no two answers are alike. */
	static final AtomicInteger answers = new AtomicInteger();

	@Nested
	@TestPropertySource(properties = "spool.max-attempts=3")
	class WhenStageOneStreams {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("streams"), "second");
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("streams"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		Pipelines pipelines;

		@Autowired
		Pipes pipes;

		@AfterEach
		void nothingLeftBehind() {
			assertNothingLeftBehind(this.pipes);
		}

		@Test
		void stageTwoAsksItsModelWithStageOnesWholeAnswerWhileStageOneIsStillWriting() throws Exception {
			int n = answers.incrementAndGet();
			List<String> pieces = List.of("Draft #" + n + ": ", "first line, ", "second line, ", "third line, ",
					"and the end.");
			endpoint.otherwise((request) -> isStageOne(request) ? slowly(ModelReply.text(pieces.toArray(String[]::new)))
					: ModelReply.text("Polished #" + answers.incrementAndGet()));

			Pipeline pipeline = fifoPipeline(this.pipelines);
			Task one = ModelEndpointTests.finished(this.store, pipeline.stages().get(0).id());
			Task two = ModelEndpointTests.finished(this.store, pipeline.stages().get(1).id());

			assertThat(one.state()).as("stage one (error: %s)", one.error()).isEqualTo(TaskState.DONE);
			assertThat(two.state()).as("stage two (error: %s)", two.error()).isEqualTo(TaskState.DONE);
			String answer = String.join("", pieces);
			assertThat(this.store.readOutput(one.id())).hasValue(answer);
			assertThat(this.store.readOutput(two.id())).get().asString().startsWith("Polished #");
			assertThat(stageTwoPrompts(endpoint)).containsExactly(STAGE_TWO + "\n\n---\n\nThe answer of stage 1 of "
					+ pipeline.id() + ":\n\n" + answer);
			assertThat(two.lastDone().startedAt()).as("stage two started while stage one was being written")
				.isBefore(one.lastDone().finishedAt());
		}

	}

	@Nested
	@TestPropertySource(properties = { "spool.max-attempts=3", "spool.task-timeout=2m" })
	class WhenStageOnesStreamBreaksOffAndIsRetried {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("retried"), "second");
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("retried"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		Pipelines pipelines;

		@Autowired
		Pipes pipes;

		@AfterEach
		void nothingLeftBehind() {
			assertNothingLeftBehind(this.pipes);
		}

		@Test
		void stageTwoIsFedOnlyTheAttemptThatSucceeded() throws Exception {
			int broken = answers.incrementAndGet();
			int whole = answers.incrementAndGet();
			AtomicInteger stageOneCalls = new AtomicInteger();
			AtomicReference<TaskId> stageTwo = new AtomicReference<>();
			AtomicReference<String> pipelineId = new AtomicReference<>();
			AtomicBoolean reading = new AtomicBoolean(true);
			endpoint.otherwise((request) -> {
				if (!isStageOne(request)) {
					return ModelReply.text("Polished #" + answers.incrementAndGet());
				}
				if (stageOneCalls.incrementAndGet() == 1) {
					reading.set(awaitReading(this.store, stageTwo.get(), this.pipes.path(pipelineId.get(), 1)));
					return slowly(ModelReply.text("BROKEN #" + broken + " start, ", "more of the broken one, ",
							"still more, ", "and more, ", "never finished.").cutOff());
				}
				return slowly(ModelReply.text("Whole #" + whole + ": ", "every word ", "arrived."));
			});

			Pipeline pipeline = fifoPipeline(this.pipelines);
			pipelineId.set(pipeline.id());
			stageTwo.set(pipeline.stages().get(1).id());
			Task one = ModelEndpointTests.finished(this.store, pipeline.stages().get(0).id(), FINISH_PATIENCE);
			Task two = ModelEndpointTests.finished(this.store, pipeline.stages().get(1).id(), FINISH_PATIENCE);
			assertThat(reading.get()).as("stage two held the pipe open before stage one answered").isTrue();

			assertThat(one.state()).as("stage one (error: %s)", one.error()).isEqualTo(TaskState.DONE);
			assertThat(one.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(two.state()).as("stage two (error: %s)", two.error()).isEqualTo(TaskState.DONE);
			assertThat(two.history()).extracting(Attempt::error)
				.as("stage two was reading when the stream broke, and refused it")
				.anySatisfy((error) -> assertThat(error).contains("ended without its end marker"));
			assertThat(two.attempts()).as("the break cost stage two no attempt").isEqualTo(1);
			String answer = "Whole #" + whole + ": every word arrived.";
			assertThat(this.store.readOutput(one.id())).hasValue(answer);
			assertThat(stageTwoPrompts(endpoint)).as("only one request of stage two, with the whole answer only")
				.singleElement()
				.asString()
				.endsWith(":\n\n" + answer)
				.doesNotContain("BROKEN");
		}

	}

	@Nested
	@TestPropertySource(properties = { "spool.max-attempts=1", "spool.task-timeout=2m" })
	class WhenStageOneBreaksOffOnceAndStageTwoMayTryOnlyOnce {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("restarted"), "second");
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("restarted"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		Pipes pipes;

		@AfterEach
		void nothingLeftBehind() {
			assertNothingLeftBehind(this.pipes);
		}

		@Test
		void stageTwoIsHandedBackWithoutSpendingItsOnlyAttemptAndIsDoneWithTheRetriedAnswer() throws Exception {
			int broken = answers.incrementAndGet();
			int whole = answers.incrementAndGet();
			AtomicInteger stageOneCalls = new AtomicInteger();
			AtomicBoolean reading = new AtomicBoolean(true);
			endpoint.otherwise((request) -> {
				if (!isStageOne(request)) {
					return ModelReply.text("Polished #" + answers.incrementAndGet());
				}
				if (stageOneCalls.incrementAndGet() == 1) {
					reading.set(awaitReading(this.store, TaskId.parse("task_902").orElseThrow(),
							this.pipes.path("pipeline_900", 1)));
					return slowly(ModelReply.text("BROKEN #" + broken + " start, ", "more of the broken one, ",
							"still more, ", "and more, ", "never finished.").cutOff());
				}
				return slowly(ModelReply.text("Whole #" + whole + ": ", "every word ", "arrived."));
			});
			// Written by hand, as the protocol allows, for stage one's own budget of three; stage two has the
			// default, one. Stage two first, so that stage one, once claimed, has a reader to stream to.
			Path tasks = workspaces.resolve("restarted").resolve("tasks");
			publish(tasks, "task_902_pending.md", "---\nagent: second\npipeline: pipeline_900\nstage: 2\n"
					+ "transport: fifo\n---\n" + STAGE_TWO + "\n");
			publish(tasks, "task_901_pending.md", "---\nagent: tester\nmax_attempts: 3\npipeline: pipeline_900\n"
					+ "stage: 1\ntransport: fifo\n---\n" + STAGE_ONE + "\n");

			Task one = ModelEndpointTests.finished(this.store, TaskId.of(901), FINISH_PATIENCE);
			Task two = ModelEndpointTests.finished(this.store, TaskId.of(902), FINISH_PATIENCE);
			assertThat(reading.get()).as("stage two held the pipe open before stage one answered").isTrue();

			assertThat(one.history()).extracting(Attempt::outcome)
				.containsExactly(Attempt.Outcome.ERROR, Attempt.Outcome.DONE);
			assertThat(two.state()).as("stage two (error: %s)", two.error()).isEqualTo(TaskState.DONE);
			assertThat(two.history()).extracting(Attempt::outcome)
				.as("stage two was reading when stage one broke off, and was handed back uncounted")
				.containsExactly(Attempt.Outcome.RESTARTED, Attempt.Outcome.DONE);
			assertThat(two.history().get(0).error()).contains("stage 1 of pipeline_900",
					"ended without its end marker", "failed (it is pending)");
			assertThat(two.attempts()).isEqualTo(1);
			String answer = "Whole #" + whole + ": every word arrived.";
			assertThat(stageTwoPrompts(endpoint)).as("only one request of stage two, with the whole answer only")
				.singleElement()
				.asString()
				.endsWith(":\n\n" + answer)
				.doesNotContain("BROKEN");
		}

		private static void publish(Path tasks, String name, String content) throws IOException {
			Path temporary = tasks.resolve("." + name + ".test.tmp");
			Files.writeString(temporary, content);
			Files.move(temporary, tasks.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
		}

	}

	@Nested
	@TestPropertySource(properties = "spool.max-attempts=1")
	class WhenAnOutsideWriterIsKilledMidStream {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("killed"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("killed"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		Pipelines pipelines;

		@Autowired
		Pipes pipes;

		@AfterEach
		void nothingLeftBehind() {
			assertNothingLeftBehind(this.pipes);
		}

		@Test
		void theReadingStageFailsWithAClearErrorAndNothingHangs() throws Exception {
			Pipeline pipeline = this.pipelines.create(PipelineStage.Transport.FIFO,
					List.of(new Pipelines.StageRequest(STAGE_ONE, null, "shellbot", null),
							new Pipelines.StageRequest(STAGE_TWO, null, "tester", null)));
			Task one = pipeline.stages().get(0);
			Path tasks = workspaces.resolve("killed").resolve("tasks");
			// The test is shellbot: it claims stage one, makes the pipe, and writes half an answer into it.
			Files.move(tasks.resolve(one.id().text() + "_pending.md"),
					tasks.resolve(one.id().text() + "_inprogress_shellbot.md"));
			Path pipe = this.pipes.path(pipeline.id(), 1);
			assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
			Process writer = new ProcessBuilder("bash", "-c",
					"exec 3>\"$1\"; printf 'half of an answer, ' >&3; exec sleep 60", "writer", pipe.toString())
				.start();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.store.index()
						.find(pipeline.stages().get(1).id())
						.map((task) -> task.state() == TaskState.IN_PROGRESS)
						.orElse(false));
				// The writer runs sleep once its half answer is in the pipe, whose reader is then open.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> writer.info().command().orElse("").endsWith("/sleep"));
			}
			finally {
				writer.destroyForcibly();
				assertThat(writer.waitFor(5, TimeUnit.SECONDS)).isTrue();
			}

			Task two = ModelEndpointTests.finished(this.store, pipeline.stages().get(1).id());

			assertThat(two.state()).isEqualTo(TaskState.FAILED);
			assertThat(two.error()).contains("stage 1 of " + pipeline.id(), "ended without its end marker after 19 bytes");
			assertThat(endpoint.requestCount()).as("stage two never asked its model").isZero();
			Files.move(tasks.resolve(one.id().text() + "_inprogress_shellbot.md"),
					tasks.resolve(one.id().text() + "_failed.md"));
		}

	}

	@Nested
	@TestPropertySource(properties = "spool.max-attempts=1")
	class WhenAnOutsideWriterStalls {

		static ModelStub endpoint;

		@BeforeAll
		static void start() throws IOException {
			endpoint = ModelEndpointTests.modelFor(workspaces.resolve("stalled"));
		}

		@AfterAll
		static void stop() {
			endpoint.close();
		}

		@DynamicPropertySource
		static void endpoint(DynamicPropertyRegistry registry) {
			ModelEndpointTests.register(registry, () -> workspaces.resolve("stalled"), () -> endpoint);
		}

		@Autowired
		TaskStore store;

		@Autowired
		Pipelines pipelines;

		@Autowired
		Pipes pipes;

		@AfterEach
		void nothingLeftBehind() {
			assertNothingLeftBehind(this.pipes);
		}

		@Test
		void theReadingStageGivesUpAfterTheStallTimeout() throws Exception {
			Pipeline pipeline = this.pipelines.create(PipelineStage.Transport.FIFO,
					List.of(new Pipelines.StageRequest(STAGE_ONE, null, "shellbot", null),
							new Pipelines.StageRequest(STAGE_TWO, null, "tester", null)));
			Task one = pipeline.stages().get(0);
			Path tasks = workspaces.resolve("stalled").resolve("tasks");
			Files.move(tasks.resolve(one.id().text() + "_pending.md"),
					tasks.resolve(one.id().text() + "_inprogress_shellbot.md"));
			Path pipe = this.pipes.path(pipeline.id(), 1);
			assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
			Process writer = new ProcessBuilder("bash", "-c",
					"exec 3>\"$1\"; printf 'a start, then nothing' >&3; exec sleep 60", "writer", pipe.toString())
				.start();
			try {
				long started = System.nanoTime();
				Task two = ModelEndpointTests.finished(this.store, pipeline.stages().get(1).id());

				assertThat(two.state()).isEqualTo(TaskState.FAILED);
				assertThat(two.error()).contains("stalled", "spool.pipes.stall-timeout");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(12));
				assertThat(endpoint.requestCount()).isZero();
			}
			finally {
				writer.destroyForcibly();
				assertThat(writer.waitFor(5, TimeUnit.SECONDS)).isTrue();
				Files.move(tasks.resolve(one.id().text() + "_inprogress_shellbot.md"),
						tasks.resolve(one.id().text() + "_failed.md"));
			}
		}

	}

	static Pipeline fifoPipeline(Pipelines pipelines) {
		return pipelines.create(PipelineStage.Transport.FIFO,
				List.of(new Pipelines.StageRequest(STAGE_ONE, null, "tester", null),
						new Pipelines.StageRequest(STAGE_TWO, null, "second", null)));
	}

	static boolean isStageOne(ModelRequest request) {
		return STAGE_ONE.equals(request.prompt());
	}

	/** Sends a reply a few bytes at a time, so that stage two is there while stage one is still being written. */
	static ModelReply slowly(ModelReply reply) {
		return reply.throttled(64, Duration.ofMillis(60));
	}

	/** The user messages of stage two's requests, by the prompt they start with. */
	static List<String> stageTwoPrompts(ModelStub endpoint) {
		return endpoint.prompts().stream().filter((prompt) -> prompt.startsWith(STAGE_TWO)).toList();
	}

	/**
	 * Holds stage one's first answer until stage two has claimed its task and opened the pipe for reading, as the
	 * kernel shows it (this JVM then holds a read-only descriptor on the pipe), so that the break is read, not missed:
	 * the order is arranged, not hoped for. The classes that use it give a model call two minutes, so that a loaded
	 * machine slows the test rather than voiding it; false, and the test fails, if stage two never reads.
	 */
	static boolean awaitReading(TaskStore store, TaskId stageTwo, Path pipe) {
		try {
			await().atMost(READING_PATIENCE)
				.pollInterval(Duration.ofMillis(5))
				.until(() -> store.index()
					.find(stageTwo)
					.map((task) -> task.state() == TaskState.IN_PROGRESS)
					.orElse(false) && openForReading(pipe));
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			System.err.println("[pipeline test] stage two not reading " + pipe + " after " + READING_PATIENCE + ": "
					+ stageTwo + " is "
					+ store.index().find(stageTwo).map((task) -> task.file().fileName()).orElse("gone")
					+ "; descriptors on pipes/: " + descriptorsIn(pipe.getParent()));
			return false;
		}
	}

	private static List<String> descriptorsIn(Path folder) {
		List<String> found = new java.util.ArrayList<>();
		try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path descriptor : descriptors) {
				try {
					Path target = Files.readSymbolicLink(descriptor);
					if (target.startsWith(folder.toAbsolutePath().normalize())) {
						found.add(descriptor.getFileName() + " -> " + target);
					}
				}
				catch (IOException ex) {
					// Closed while looked at.
				}
			}
		}
		catch (IOException ex) {
			found.add(ex.toString());
		}
		return found;
	}

	private static boolean openForReading(Path pipe) throws IOException {
		try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
			for (Path descriptor : descriptors) {
				try {
					if (pipe.toAbsolutePath().normalize().equals(Files.readSymbolicLink(descriptor))) {
						String info = Files.readString(Path.of("/proc/self/fdinfo").resolve(descriptor.getFileName()));
						String flags = info.lines()
							.filter((line) -> line.startsWith("flags:"))
							.findFirst()
							.orElse("flags: 1")
							.substring("flags:".length())
							.strip();
						if ((Integer.parseInt(flags, 8) & 3) == 0) {
							return true;
						}
					}
				}
				catch (IOException ex) {
					// Closed while looked at.
				}
			}
		}
		return false;
	}

	static void assertNothingLeftBehind(Pipes pipes) {
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(pipes.list()).as("pipes left in %s", pipes.folder()).isEmpty());
		assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
			.noneMatch((name) -> name.startsWith("spool-pipe"));
	}

}
