package dev.spool.workspace;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TaskFileTests {

	@Test
	void namesCarryTheState() {
		assertThat(TaskFile.parse("task_001_pending.md")).hasValue(TaskFile.pending(TaskId.of(1)));
		assertThat(TaskFile.parse("task_002_inprogress_agent_a.md").orElseThrow().owner()).isEqualTo("agent_a");
		assertThat(TaskFile.parse("task_1000_done.md").orElseThrow().state()).isEqualTo(TaskState.DONE);
		assertThat(TaskFile.parse("task_003_failed.md").orElseThrow().state()).isEqualTo(TaskState.FAILED);
		assertThat(TaskFile.parse("task_004_cancelled.md").orElseThrow().state()).isEqualTo(TaskState.CANCELLED);
	}

	@Test
	void handMadeShortIdsKeepTheirSpelling() {
		TaskFile file = TaskFile.parse("task_7_pending.md").orElseThrow();
		assertThat(file.id().number()).isEqualTo(7);
		assertThat(file.to(TaskState.IN_PROGRESS, "shellbot").fileName()).isEqualTo("task_7_inprogress_shellbot.md");
	}

	@Test
	void newIdsArePaddedToThreeDigits() {
		assertThat(TaskId.of(7).text()).isEqualTo("task_007");
		assertThat(TaskId.of(1234).text()).isEqualTo("task_1234");
	}

	@Test
	void idsAreEqualWhenWrittenAlike() {
		TaskId seven = TaskId.parse("task_7").orElseThrow();
		assertThat(seven).isEqualTo(TaskId.parse("task_7").orElseThrow())
			.hasSameHashCodeAs(TaskId.parse("task_7").orElseThrow())
			.isEqualTo(new TaskId("task_7", 7))
			.isNotEqualTo(TaskId.of(7))
			.isNotEqualTo(new TaskId("task_7", 8))
			.isNotEqualTo("task_7");
		assertThat(TaskId.of(7)).isEqualTo(TaskId.parse("task_007").orElseThrow());
		assertThat(new HashSet<>(List.of(seven, TaskId.of(7), TaskId.parse("task_0007").orElseThrow(),
				TaskId.parse("task_7").orElseThrow())))
			.hasSize(3);
	}

	@Test
	void otherNamesAreNotTaskFiles() {
		assertThat(TaskFile.parse("notes.txt")).isEmpty();
		assertThat(TaskFile.parse("task_001_pending.md.tmp")).isEmpty();
		assertThat(TaskFile.parse("task_001_running.md")).isEmpty();
		assertThat(TaskFile.parse("task_x_pending.md")).isEmpty();
		assertThat(TaskFile.parse("task_001_inprogress_.md")).isEmpty();
		assertThat(TaskFile.parse("task_001_inprogress_a_done.md")).isEmpty();
		assertThat(TaskFile.parse("task_001_inprogress_Agent.md")).isEmpty();
	}

	@Test
	void finishedTasksOnlyGoBackToPendingWhenFailedOrCancelled() {
		TaskFile done = TaskFile.parse("task_001_done.md").orElseThrow();
		assertThatIllegalStateException().isThrownBy(() -> done.to(TaskState.PENDING, null));
		assertThat(TaskState.FAILED.canTransitionTo(TaskState.PENDING)).isTrue();
		assertThat(TaskState.CANCELLED.canTransitionTo(TaskState.PENDING)).isTrue();
		assertThat(TaskState.PENDING.canTransitionTo(TaskState.DONE)).isFalse();
	}

	@Test
	void agentNamesThatWouldConfuseFilenamesAreRefused() {
		assertThat(AgentNames.isValid("agent_a")).isTrue();
		assertThat(AgentNames.isValid("shell-bot2")).isTrue();
		assertThat(AgentNames.isValid("a_done")).isFalse();
		assertThat(AgentNames.isValid("x_inprogress_y")).isFalse();
		assertThat(AgentNames.isValid("../x")).isFalse();
		assertThat(AgentNames.isValid("Agent")).isFalse();
		assertThat(AgentNames.isValid("")).isFalse();
		assertThat(AgentNames.isValid("a/b")).isFalse();
	}

}
