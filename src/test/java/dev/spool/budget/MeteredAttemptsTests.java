package dev.spool.budget;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;
import dev.spool.agent.AgentDefinition;
import dev.spool.agent.Outcome;
import dev.spool.agent.Responder;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Claim;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget's layer around each attempt: what it counts, against which attempt, and how the attempt then ends. */
class MeteredAttemptsTests {

	private static final AgentDefinition WRITER = new AgentDefinition("writer", null, null, 1, List.of(),
			"You write.", false, List.of(), null, List.of());

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private TaskStore store;

	private MeteredAttempts metered;

	@BeforeEach
	void open() throws IOException {
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3), this.clock,
				(change) -> {
				});
		this.store = workspace.store();
		this.metered = new MeteredAttempts(new Budgets(workspace.index(),
				new AttemptRecords(workspace.layout(), workspace.index()), this.clock, new BudgetProperties(null),
				new Prices(Map.of())));
	}

	/**
	 * A stream cut off at its timeout may still deliver a piece on the model client's thread after the slot took its
	 * next task. That piece is the first attempt's: it must not count against the next one, whose budget it would
	 * cross, failing a task for tokens it never used.
	 */
	@Test
	void aPieceACutOffAttemptDeliversLateCountsAgainstThatAttemptNotTheSlotsNext() throws Exception {
		Claim first = claim("task_001_pending.md", "---\nbudget_tokens: 1000000\n---\nThe first, generous task\n");
		Claim second = claim("task_002_pending.md", "---\nbudget_tokens: 40\n---\nThe second, frugal task\n");
		AtomicReference<Consumer<String>> firstStream = new AtomicReference<>();
		String late = "a late piece of the first answer, ".repeat(20);
		Responder model = (request, onPiece) -> {
			if (request.task().equals(first.id())) {
				// Cut off: the stream goes on without the attempt.
				firstStream.set(onPiece);
				throw new InterruptedException("no answer within the task timeout");
			}
			onPiece.accept("Short. ");
			firstStream.get().accept(late);
			onPiece.accept("Done.");
			return new Outcome.Answered(new Answer("Short. Done.", "stub", false, null));
		};
		Responder answering = this.metered.around(model);
		Responder.Spending firstSpending = new Responder.Spending();
		try {
			answering.answer(new Responder.Request(first, WRITER, "Write it", firstSpending), (piece) -> {
			});
		}
		catch (InterruptedException expected) {
			// As the agent loop's timeout would.
		}

		Outcome outcome = answering.answer(new Responder.Request(second, WRITER, "Write it",
				new Responder.Spending()), (piece) -> {
				});

		assertThat(outcome).isInstanceOf(Outcome.Answered.class);
		assertThat(outcome.tokens().completion()).as("the second answer's own 12 characters, estimated")
			.isEqualTo(3);
		assertThat(firstSpending.soFar().completion()).as("the late piece, counted against the first attempt")
			.isEqualTo(late.length() / 4);
	}

	@Test
	void anAttemptThatCrossesItsTasksBudgetGivesUpWithWhatItUsedWhateverTheResponderMadeOfTheCut() throws Exception {
		Claim claim = claim("task_003_pending.md", "---\nbudget_tokens: 10\n---\nA task on a tight budget\n");
		List<String> passedOn = new java.util.ArrayList<>();
		// A model client turns the meter's cut into an error of its own, which the responder reports as a failure.
		Responder model = (request, onPiece) -> {
			try {
				for (int i = 0; i < 100; i++) {
					onPiece.accept("word " + i + " ");
				}
				return new Outcome.Answered(new Answer("never", "stub", false, null));
			}
			catch (RuntimeException ex) {
				return new Outcome.Failed("the stream failed: " + ex.getMessage(), Duration.ofSeconds(9), null);
			}
		};

		Outcome outcome = this.metered.around(model)
			.answer(new Responder.Request(claim, WRITER, "Go", new Responder.Spending()), passedOn::add);

		assertThat(outcome).isInstanceOf(Outcome.GaveUp.class);
		assertThat(((Outcome.GaveUp) outcome).reason()).startsWith("budget: task_003 used more than its 10 tokens");
		assertThat(outcome.tokens().total()).isGreaterThan(10);
		assertThat(String.join("", passedOn)).as("the piece that crossed the budget goes no further")
			.doesNotContain("word " + passedOn.size() + " ");
	}

	@Test
	void anAnswerWithoutTheModelsCountIsRecordedWithAnEstimateAndAFailureWithWhatItStreamed() throws Exception {
		Claim answered = claim("task_004_pending.md", "Answer me\n");
		Claim failed = claim("task_005_pending.md", "Fail me\n");
		Responder model = (request, onPiece) -> {
			onPiece.accept("12345678");
			return request.task().equals(answered.id())
					? new Outcome.Answered(new Answer("12345678", "stub", false, null))
					: new Outcome.Failed("HTTP 500");
		};
		Responder answering = this.metered.around(model);

		Outcome answer = answering.answer(new Responder.Request(answered, WRITER, "Answer me",
				new Responder.Spending()), (piece) -> {
				});
		Outcome failure = answering.answer(new Responder.Request(failed, WRITER, "Fail me",
				new Responder.Spending()), (piece) -> {
				});

		assertThat(answer.tokens().estimated()).isTrue();
		assertThat(answer.tokens().completion()).isEqualTo(2);
		assertThat(failure).isInstanceOf(Outcome.Failed.class);
		assertThat(failure.tokens().completion()).isEqualTo(2);
	}

	private Claim claim(String name, String content) throws IOException {
		Files.writeString(this.root.resolve("tasks").resolve(name), content);
		this.store.index().rescan();
		TaskId id = TaskId.parse(name.substring(0, name.indexOf("_pending"))).orElseThrow();
		return this.store.claim(this.store.index().find(id).orElseThrow(), "writer").orElseThrow();
	}

}
