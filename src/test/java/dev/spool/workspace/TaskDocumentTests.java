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

}
