package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.spool.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What outside agents report in the files they may write: the tokens of a failed attempt (its failure note) and of a
 * published answer (its result's header), the budget those tokens spend, and the record of an answer they published.
 */
class OutsideReportsTests {

	@TempDir
	Path root;

	private final MutableClock clock = MutableClock.startingNow();

	private Workspace workspace;

	@BeforeEach
	void open() throws IOException {
		this.workspace = open(this.root);
	}

	private Workspace open(Path folder) throws IOException {
		return Workspace.open(folder, new Workspace.Settings(false, 1024, 3), this.clock, (changed) -> {
		});
	}

	@Test
	void aFailureNoteReportsTheTokensOfItsAttempt() throws IOException {
		Task task = this.workspace.store().create(NewTask.of("a command that fails"));
		note(task, "---\nstarted_at: 2026-01-02T03:04:05Z\ntokens: {prompt: 120, completion: 30}\n---\nexit status 3\n");

		assertThat(history(task)).singleElement().satisfies((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(record.tokens()).isEqualTo(new TokenUsage(120, 30, 150));
			assertThat(record.warnings()).isNull();
		});
	}

	@Test
	void tokensOfAnotherShapeOrBeyondBeliefAreLeftOutWithTheReasonInTheRecord() throws IOException {
		List<String> refused = List.of("{prompt: 120}", "{prompt: 1, completion: 2, total: 3}", "120",
				"{prompt: -1, completion: 2}", "{prompt: 1.5, completion: 2}", "{prompt: 1, prompt: 2}",
				"{input: 1, output: 2}", "{prompt: 100000001, completion: 0}", "[120, 30]");
		Task task = this.workspace.store().create(NewTask.of("many tries"));
		for (String value : refused) {
			note(task, "---\ntokens: " + value + "\n---\nfailed\n");
		}

		assertThat(history(task)).hasSize(refused.size()).allSatisfy((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.ERROR);
			assertThat(record.tokens()).isNull();
			assertThat(record.warnings()).singleElement().asString().startsWith("tokens: '").contains("ignored: ");
		});
		assertThat(history(task).get(7).warnings().get(0)).contains("not believable");
	}

	@Test
	void aFailureNoteThatSpendsTheTasksTokenBudgetFailsItWhateverAttemptsAreLeft() throws IOException {
		Files.writeString(this.root.resolve("tasks/task_001_pending.md"),
				"---\nbudget_tokens: 100\nmax_attempts: 5\n---\nCount the owls.\n");
		this.workspace.index().rescan();
		Task task = this.workspace.index().find(TaskId.of(1)).orElseThrow();
		note(task, "---\ntokens: {prompt: 50, completion: 20}\n---\nfirst try\n");
		assertThat(state(task)).isEqualTo(TaskState.PENDING);

		note(task, "---\ntokens: {prompt: 30, completion: 10}\n---\nsecond try\n");

		Task failed = this.workspace.index().find(task.id()).orElseThrow();
		assertThat(failed.state()).isEqualTo(TaskState.FAILED);
		assertThat(failed.error()).isEqualTo("budget: task_001 spent 110 of 100 tokens (budget_tokens); second try");
		assertThat(failed.attempts()).isEqualTo(2);
	}

	@Test
	void anAnswerAnOutsideAgentPublishedGetsOneDoneRecordFromItsHeaderWhateverProcessesSeeIt() throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Workspace other = open(this.root);
		Path tasks = this.root.resolve("tasks");
		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_inprogress_shellbot.md"));
		Files.move(tasks.resolve("task_001_inprogress_shellbot.md"), tasks.resolve("task_001_done.md"));
		Files.writeString(this.root.resolve("outputs/task_001_result.md"), "---\nagent: shellbot\n"
				+ "started_at: 2026-01-02T03:04:05Z\nfinished_at: 2026-01-02T03:04:09Z\n"
				+ "tokens: {prompt: 400, completion: 100}\n---\n42\n");

		for (Workspace seeing : List.of(this.workspace, other, open(this.root))) {
			seeing.index().rescan();
			seeing.recordOutsideAnswers();
		}

		assertThat(history(task)).singleElement().satisfies((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.DONE);
			assertThat(record.agent()).isEqualTo("shellbot");
			assertThat(record.startedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
			assertThat(record.finishedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:09Z"));
			assertThat(record.tokens()).isEqualTo(new TokenUsage(400, 100, 500));
		});
		Task done = other.index().find(task.id()).orElseThrow();
		assertThat(done.attempts()).isEqualTo(1);
		assertThat(done.lastDone()).isNotNull();
	}

	@Test
	void anAnswerOfSpoolsOwnAgentIsRecordedOnceByItsAgent() throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Claim claim = this.workspace.store().claim(task, "agent_a").orElseThrow();
		assertThat(this.workspace.store().complete(claim, new Answer("an answer", "m1", false, new TokenUsage(3, 4, 7)))).isTrue();

		Workspace other = open(this.root);
		other.recordOutsideAnswers();
		this.workspace.recordOutsideAnswers();

		assertThat(history(task)).singleElement().satisfies((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.DONE);
			assertThat(record.agent()).isEqualTo("agent_a");
		});
	}

	@Test
	void anAnswerOfSpoolsOwnAgentWhoseProcessDiedBeforeItsRecordIsRecordedFromItsHeaderOnceItsWriterIsGone()
			throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Path tasks = this.root.resolve("tasks");
		// What a process killed between linking its answer and writing the record leaves.
		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_done.md"));
		Files.writeString(this.root.resolve("outputs/task_001_result.md"), "---\nagent: agent_a\n"
				+ "started_at: 2026-01-02T03:04:05.000Z\nfinished_at: 2026-01-02T03:04:09.000Z\nrecorded: true\n---\n42\n");
		this.workspace.index().rescan();
		Task done = this.workspace.index().find(task.id()).orElseThrow();
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		AttemptLog log = new AttemptLog(layout, new AtomicFiles(false));
		OutsideAnswers stillWriting = new OutsideAnswers(layout, log, this.clock, Duration.ofHours(1));
		OutsideAnswers writerGone = new OutsideAnswers(layout, log, this.clock, Duration.ZERO);

		stillWriting.consider(done);
		stillWriting.recordAll(this.workspace.index());
		this.workspace.recordOutsideAnswers();
		assertThat(log.read(task.id())).as("the record its own process may still write").isEmpty();

		for (int time = 0; time < 2; time++) {
			writerGone.consider(this.workspace.index().find(task.id()).orElseThrow());
			writerGone.recordAll(this.workspace.index());
			stillWriting.recordAll(this.workspace.index());
		}

		assertThat(history(task)).singleElement().satisfies((record) -> {
			assertThat(record.outcome()).isEqualTo(Attempt.Outcome.DONE);
			assertThat(record.agent()).isEqualTo("agent_a");
			assertThat(record.startedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
			assertThat(record.finishedAt()).isEqualTo(Instant.parse("2026-01-02T03:04:09Z"));
			assertThat(record.tokens()).isNull();
		});
		assertThat(open(this.root).index().find(task.id()).orElseThrow().attempts()).isEqualTo(1);
	}

	@ParameterizedTest(name = "the record {0}")
	@ValueSource(strings = { "gone", "empty" })
	void aDoneRecordThatAPowerCutTookIsMadeAgainFromTheHeaderWithItsModelAndTokens(String cut) throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Claim claim = this.workspace.store().claim(task, "agent_a").orElseThrow();
		this.workspace.store().complete(claim, new Answer("42", "llama3:8b", false, new TokenUsage(120, 30, 150)));
		Attempt written = this.workspace.index().find(task.id()).orElseThrow().lastDone();
		// What a power cut may leave of the record, which is not flushed: no name, or a name and no content.
		Path record = this.root.resolve(".spool/attempts/task_001.1.json");
		if (cut.equals("gone")) {
			Files.delete(record);
		}
		else {
			Files.write(record, new byte[0]);
		}
		Workspace restarted = open(this.root);
		assertThat(restarted.index().find(task.id()).orElseThrow().lastDone()).isNull();
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		OutsideAnswers writerGone = new OutsideAnswers(layout, new AttemptLog(layout, new AtomicFiles(false)),
				this.clock, Duration.ZERO);

		writerGone.consider(restarted.index().find(task.id()).orElseThrow());
		writerGone.recordAll(restarted.index());

		Attempt remade = open(this.root).index().find(task.id()).orElseThrow().lastDone();
		assertThat(remade).usingRecursiveComparison().ignoringFields("number").isEqualTo(written);
		assertThat(remade.number()).isEqualTo(cut.equals("gone") ? 1 : 2);
	}

	@Test
	void aTaskGivenBackToPendingShowsNoOwner() throws IOException {
		Task task = this.workspace.store().create(NewTask.of("q"));
		Claim claim = this.workspace.store().claim(task, "shellbot").orElseThrow();
		assertThat(this.workspace.index().find(task.id()).orElseThrow().owner()).isEqualTo("shellbot");

		assertThat(this.workspace.store().release(claim)).isTrue();

		assertThat(this.workspace.index().find(task.id()).orElseThrow().owner()).isNull();
		assertThat(open(this.root).index().find(task.id()).orElseThrow().owner()).isNull();
	}

	private void note(Task task, String text) throws IOException {
		Files.writeString(this.root.resolve("failures/" + task.id().text() + ".shellbot." + System.nanoTime() + ".md"),
				text);
		this.workspace.takeFailureNotes();
	}

	private List<Attempt> history(Task task) {
		return this.workspace.store().index().find(task.id()).orElseThrow().history();
	}

	private TaskState state(Task task) {
		return this.workspace.index().find(task.id()).orElseThrow().state();
	}

}
