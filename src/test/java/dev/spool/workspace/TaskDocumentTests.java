package dev.spool.workspace;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskDocumentTests {

	@Test
	void frontMatterAndPromptSurviveARoundTrip() {
		TaskDocument document = new TaskDocument("Say \"hi\"\nnow", "agent_b", 5, List.of(TaskId.of(1), TaskId.of(2)),
				4, Instant.parse("2026-11-25T10:00:00Z"), TaskId.of(9), "Write a haiku.\n\n---\nabout files", null);

		TaskDocument read = TaskDocument.parse(document.render());

		assertThat(read).isEqualTo(document);
	}

	@Test
	void aFileWithoutFrontMatterIsAllPrompt() {
		TaskDocument read = TaskDocument.parse("Summarise the logs.\n");

		assertThat(read.prompt()).isEqualTo("Summarise the logs.");
		assertThat(read.isReadable()).isTrue();
		assertThat(read.agent()).isNull();
	}

	@Test
	void handWrittenYamlIsUnderstood() {
		TaskDocument read = TaskDocument.parse("""
				---
				title: Logs
				agent: shellbot
				priority: 2
				depends_on:
				  - task_001
				created_at: 2026-11-25T10:00:00Z
				---
				Summarise the logs.
				""");

		assertThat(read.title()).isEqualTo("Logs");
		assertThat(read.agent()).isEqualTo("shellbot");
		assertThat(read.priority()).isEqualTo(2);
		assertThat(read.dependsOn()).containsExactly(TaskId.of(1));
		assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
	}

	@Test
	void brokenFrontMatterIsReportedNotThrown() {
		assertThat(TaskDocument.parse("---\ntitle: [unclosed\n---\nbody").problem()).contains("front matter");
		assertThat(TaskDocument.parse("---\ntitle: x\nbody without end").problem()).contains("closing");
		assertThat(TaskDocument.parse("---\nagent: ../etc\n---\nbody").problem()).contains("not a valid agent name");
		assertThat(TaskDocument.parse("---\npriority: high\n---\nbody").problem()).contains("whole number");
		assertThat(TaskDocument.parse("---\n- a list\n---\nbody").problem()).contains("key: value");
	}

	@Test
	void aNullInsideDependsOnIsAProblemButAnEmptyDependsOnMeansNone() {
		assertThat(parse("depends_on: [~]").problem()).isEqualTo("depends_on: item 1 is empty, not a task id");
		assertThat(parse("depends_on: [task_1, null]").problem())
			.isEqualTo("depends_on: item 2 is empty, not a task id");
		assertThat(parse("depends_on:\n  -\n").problem()).isEqualTo("depends_on: item 1 is empty, not a task id");
		assertThat(parse("depends_on:").dependsOn()).isEmpty();
		assertThat(parse("depends_on: []").dependsOn()).isEmpty();
		assertThat(parse("depends_on: task_7").dependsOn()).containsExactly(new TaskId("task_7", 7));
	}

	@Test
	void aSubtaskNamesItsParentAndReadsItBack() {
		TaskDocument read = parse("parent: task_5");

		assertThat(read.parent()).isEqualTo(new TaskId("task_5", 5));
		assertThat(read.render()).contains("parent: task_5\n");
		assertThat(TaskDocument.parse(read.render())).isEqualTo(read);
		assertThat(parse("parent: ~").parent()).isNull();
	}

	@Test
	void aParentThatIsNoTaskIdIsAProblemThatNamesTheField() {
		assertThat(parse("parent: [task_1]").problem()).isEqualTo("parent: is a list, not a task id");
		assertThat(parse("parent: {task_1: x}").problem()).isEqualTo("parent: is a map, not a task id");
		assertThat(parse("parent: ../task_1").problem()).startsWith("parent: ").contains("not a task id");
		assertThat(parse("parent: \"task_1\\nagent: x\"").problem()).startsWith("parent: ");
	}

	@Test
	void emptyFieldsMeanTheDefaults() {
		TaskDocument read = parse("title: ~\nagent: null\npriority:\nmax_attempts: ~\ncreated_at:\nretry_of: ~");

		assertThat(read).isEqualTo(new TaskDocument(null, null, 0, List.of(), null, null, null, "prompt", null));
	}

	@Test
	void aListOrAMapWhereOneValueBelongsIsAProblem() {
		assertThat(parse("title: [a, list]").problem()).isEqualTo("title: is a list, not text");
		assertThat(parse("title: {a: map}").problem()).isEqualTo("title: is a map, not text");
		assertThat(parse("agent:\n  - agent_a").problem()).isEqualTo("agent: is a list, not a valid agent name");
		assertThat(parse("priority: [1]").problem()).isEqualTo("priority: is a list, not a whole number");
		assertThat(parse("max_attempts: {n: 2}").problem()).isEqualTo("max_attempts: is a map, not a whole number");
		assertThat(parse("created_at: [2026-11-25]").problem())
			.isEqualTo("created_at: is a list, not a time such as 2026-11-25T10:00:00Z");
		assertThat(parse("retry_of: [task_1]").problem()).isEqualTo("retry_of: is a list, not a task id");
		assertThat(parse("depends_on: {task_1: done}").problem())
			.isEqualTo("depends_on: is a map, not a task id or a list of them");
		assertThat(parse("depends_on: [task_1, [task_2]]").problem())
			.isEqualTo("depends_on: item 2 is a list, not a task id");
		assertThat(parse("depends_on: [task_1, nope]").problem())
			.isEqualTo("depends_on: item 2 'nope' is not a task id");
	}

	@Test
	void priorityIsAWholeNumberWithinRangeAndNeverClamped() {
		assertThat(parse("priority: -5").priority()).isEqualTo(-5);
		assertThat(parse("priority: 2147483647").priority()).isEqualTo(Integer.MAX_VALUE);
		assertThat(parse("priority: -2147483648").priority()).isEqualTo(Integer.MIN_VALUE);
		assertThat(parse("priority: \"7\"").priority()).isEqualTo(7);
		assertThat(parse("priority: 2147483648").problem())
			.isEqualTo("priority: '2147483648' is out of range (-2147483648 to 2147483647)");
		assertThat(parse("priority: 99999999999999999999").problem())
			.isEqualTo("priority: '99999999999999999999' is out of range (-2147483648 to 2147483647)");
		assertThat(parse("priority: 1e400").problem()).isEqualTo("priority: '1e400' is not a whole number");
		assertThat(parse("priority: 2.5").problem()).isEqualTo("priority: '2.5' is not a whole number");
		assertThat(parse("priority: .nan").problem()).isEqualTo("priority: '.nan' is not a whole number");
		assertThat(parse("priority: true").problem()).isEqualTo("priority: 'true' is not a whole number");
	}

	@Test
	void maxAttemptsIsAtLeastOne() {
		assertThat(parse("max_attempts: 1").maxAttempts()).isEqualTo(1);
		assertThat(parse("max_attempts: 0").problem()).isEqualTo("max_attempts: 0 is less than 1");
		assertThat(parse("max_attempts: -3").problem()).isEqualTo("max_attempts: -3 is less than 1");
		assertThat(parse("max_attempts: 1e400").problem()).isEqualTo("max_attempts: '1e400' is not a whole number");
	}

	@Test
	void textFieldsKeepWhatWasWrittenWhateverYamlWouldMakeOfIt() {
		assertThat(parse("title: yes").title()).isEqualTo("yes");
		assertThat(parse("title: 2026-11-25").title()).isEqualTo("2026-11-25");
		assertThat(parse("title: 0x1F").title()).isEqualTo("0x1F");
		assertThat(parse("title: !custom tagged").title()).isEqualTo("tagged");
		assertThat(parse("agent: true").agent()).isEqualTo("true");
		assertThat(parse("agent: 123").agent()).isEqualTo("123");
	}

	@Test
	void agentMustBeAValidAgentName() {
		assertThat(parse("agent: Agent_A").problem()).isEqualTo("agent: 'Agent_A' is not a valid agent name");
		assertThat(parse("agent: a_done").problem()).isEqualTo("agent: 'a_done' is not a valid agent name");
		assertThat(parse("agent: \"\"").problem()).isEqualTo("agent: '' is not a valid agent name");
	}

	@Test
	void createdAtIsAnIsoInstantOrAYamlTimestamp() {
		assertThat(parse("created_at: 2026-11-25").createdAt()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
		assertThat(parse("created_at: 2026-11-25 10:00:00").createdAt())
			.isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
		assertThat(parse("created_at: 2026-11-25 10:00:00.5 +05:30").createdAt())
			.isEqualTo(Instant.parse("2026-11-25T04:30:00.5Z"));
		assertThat(parse("created_at: \"2026-11-25T10:00:00+01:00\"").createdAt())
			.isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
		assertThat(parse("created_at: 2026-13-45").problem())
			.isEqualTo("created_at: '2026-13-45' is not a time such as 2026-11-25T10:00:00Z");
		assertThat(parse("created_at: yesterday").problem())
			.isEqualTo("created_at: 'yesterday' is not a time such as 2026-11-25T10:00:00Z");
	}

	@Test
	void longValuesAreProblemsWhoseEchoIsCutShort() {
		assertThat(parse("title: " + "t".repeat(500)).title()).hasSize(500);
		assertThat(parse("title: " + "t".repeat(501)).problem()).isEqualTo("title: is longer than 500 characters");
		assertThat(parse("notes: " + "n".repeat(70_000)).problem())
			.isEqualTo("front matter is longer than 65536 characters");
		assertThat(parse("depends_on: " + "d".repeat(10_000)).problem())
			.isEqualTo("depends_on: '" + "d".repeat(80) + "…' is not a task id");
	}

	@Test
	void problemsStayOnOneLineWhateverTheValueHolds() {
		assertThat(parse("agent: \"a\\nb\\u2028c\\rd\"").problem())
			.isEqualTo("agent: 'a b c d' is not a valid agent name");
		assertThat(parse("title: [unclosed\n\n").problem()).doesNotContain("\n")
			.startsWith("front matter cannot be read at line ");
	}

	@Test
	void aliasesAreNeverExpanded() {
		assertThat(parse("t: &t Hello\ntitle: *t").title()).isEqualTo("Hello");
		assertThat(TaskDocument.parse(HostileYaml.billionLaughs("title")).problem())
			.isEqualTo("front matter cannot be read: "
					+ "Number of aliases for non-scalar nodes exceeds the specified max=10");
		// Within SnakeYAML's own default limit of 50 aliases, yet 43 million strings if expanded.
		StringBuilder laughs = new StringBuilder("l0: &l0 lol\n");
		for (int level = 1; level <= 16; level++) {
			laughs.append("l" + level + ": &l" + level + " [*l" + (level - 1) + ", *l" + (level - 1) + ", *l"
					+ (level - 1) + "]\n");
		}
		assertThat(parse(laughs + "title: *l16").problem()).startsWith("front matter cannot be read: ")
			.contains("aliases");
		assertThat(parse("l1: &l1 [a, b]\ntitle: *l1").problem()).isEqualTo("title: is a list, not text");
		assertThat(parse("&a {<<: *a, priority: 2}").priority()).isEqualTo(2);
	}

	@Test
	void mergeKeysAreAppliedAndKeysWrittenHereWin() {
		TaskDocument read = parse("defaults: &defaults {priority: 3, agent: agent_a}\n<<: *defaults\nagent: agent_b");

		assertThat(read.priority()).isEqualTo(3);
		assertThat(read.agent()).isEqualTo("agent_b");
		assertThat(parse("<<: [1, 2]").problem()).isEqualTo("<<: merges only maps");
	}

	@Test
	void deepNestingIsAProblem() {
		assertThat(parse("title: " + "[".repeat(10_000) + "]".repeat(10_000)).problem())
			.isEqualTo("front matter cannot be read: Nesting Depth exceeded max 16");
		assertThat(parse("notes: " + "{a: ".repeat(10_000) + "}".repeat(10_000)).problem())
			.isEqualTo("front matter cannot be read: Nesting Depth exceeded max 16");
	}

	@Test
	void aKeyGivenTwiceIsAProblem() {
		assertThat(parse("priority: 1\npriority: 2").problem()).isEqualTo("priority: given more than once");
		assertThat(parse("notes: a\nnotes: b").problem()).isEqualTo("notes: given more than once");
	}

	@Test
	void tagsCannotSmuggleInDataOrObjects() {
		assertThat(parse("title: !!binary aGk=").problem()).isEqualTo("title: is binary data, not text");
		assertThat(parse("notes: !!java.io.File /etc/passwd").problem())
			.isEqualTo("front matter cannot be read at line 2: "
					+ "Global tag is not allowed: tag:yaml.org,2002:java.io.File");
		assertThat(parse("priority: !!str 5").priority()).isEqualTo(5);
	}

	@Test
	void keysThatAreNotTextAreIgnored() {
		TaskDocument read = parse("1: one\n~: nothing\ntrue: yes\n? [a, b]\n: list\n? {k: v}\n: map\ntitle: Kept");

		assertThat(read.problem()).isNull();
		assertThat(read.title()).isEqualTo("Kept");
	}

	@Test
	void whatSpoolWritesIsReadBackEvenWhenPlainYamlWouldMisreadIt() {
		TaskDocument document = new TaskDocument("C1 \u0085 and \u0090, LS \u2028, BOM \uFEFF", "null", 0, List.of(),
				null, null, null, "prompt", null);

		assertThat(TaskDocument.parse(document.render())).isEqualTo(document);
		assertThat(document.render()).contains("agent: \"null\"");
		assertThat(new TaskDocument(null, "agent_b", 0, List.of(), null, null, null, "p", null).render())
			.contains("agent: agent_b\n");
	}

	private static TaskDocument parse(String frontMatter) {
		return TaskDocument.parse("---\n" + frontMatter + "\n---\nprompt\n");
	}

	@Test
	void rolesPipelinesAndGoalsRoundTrip() {
		TaskDocument document = new TaskDocument("Stage two", null, "reviewer", TaskDocument.Kind.TASK, 0,
				List.of(TaskId.of(4)), null, null, null,
				new PipelineStage("pipeline_002", 2, PipelineStage.Transport.FIFO), new GoalStep(TaskId.of(3), "final"),
				"Review it", null);

		String text = document.render();

		assertThat(text).contains("role: reviewer\n", "pipeline: pipeline_002\n", "stage: 2\n", "transport: fifo\n",
				"goal: task_003\n", "step: final\n");
		assertThat(TaskDocument.parse(text)).isEqualTo(document);
		TaskDocument goal = TaskDocument.parse("---\nkind: goal\nagent: orchestrator\n---\nShip it\n");
		assertThat(goal.kind()).isEqualTo(TaskDocument.Kind.GOAL);
		assertThat(TaskDocument.parse(goal.render())).isEqualTo(goal);
	}

	@Test
	void pipelineAndGoalFieldsMustComeTogether() {
		assertThat(TaskDocument.parse("---\nstage: 2\n---\np").problem()).isEqualTo("stage: is set without a pipeline");
		assertThat(TaskDocument.parse("---\npipeline: pipeline_1\n---\np").problem())
			.isEqualTo("stage: a pipeline's stage is a number from 1");
		assertThat(TaskDocument.parse("---\npipeline: pipe\nstage: 1\n---\np").problem())
			.startsWith("pipeline: ");
		assertThat(TaskDocument.parse("---\npipeline: pipeline_1\nstage: 1\ntransport: carrier pigeon\n---\np")
			.problem()).startsWith("transport: ");
		assertThat(TaskDocument.parse("---\ngoal: task_1\n---\np").problem()).isEqualTo("goal: is set without a step");
		assertThat(TaskDocument.parse("---\nstep: 0\ngoal: task_1\n---\np").problem()).startsWith("step: ");
		assertThat(TaskDocument.parse("---\nkind: epic\n---\np").problem()).startsWith("kind: ");
		assertThat(TaskDocument.parse("---\nrole: [a, b]\n---\np").problem()).startsWith("role: ");
	}

}
