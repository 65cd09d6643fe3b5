package dev.spool.web;

import java.time.Instant;
import java.util.List;

import dev.spool.agent.ConversationCall;
import dev.spool.workspace.TaskState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the task page says of a tool call: its result laid out and shortened, or what a call without one is doing. */
class ConversationViewTests {

	private static final Instant AT = Instant.parse("2026-12-05T10:00:00Z");

	@Test
	void aCallWithoutAResultRunsWhileTheTaskIsInProgressAndWasCutOffOnceItFinished() {
		ConversationCall call = new ConversationCall("call_1", "get_task", "{\"id\":\"task_001\"}", null, null);

		assertThat(ConversationView.Call.of(call, TaskState.IN_PROGRESS).pending()).isEqualTo("running");
		assertThat(ConversationView.Call.of(call, TaskState.PENDING).pending())
			.isEqualTo("no result yet: it runs again when an agent takes the task up");
		assertThat(ConversationView.Call.of(call, TaskState.FAILED).pending())
			.isEqualTo("no result: the attempt ended before the call came back");
		assertThat(ConversationView.Call.of(call, TaskState.IN_PROGRESS).waitingFor()).isEmpty();
	}

	@Test
	void anUnansweredWaitTaskWaitsForEveryTaskItsArgumentsNameUntilTheTaskFinishes() {
		ConversationCall wait = new ConversationCall("call_w", "wait_task",
				"{\"ids\": [\"task_009\", \"not a task\", \"task_010\"], \"id\": \"task_009\"}", null, null);

		ConversationView.Call shown = ConversationView.Call.of(wait, TaskState.IN_PROGRESS);

		assertThat(shown.waitingFor()).containsExactly("task_009", "task_010");
		assertThat(shown.pending()).isEqualTo("waiting for");
		assertThat(ConversationView.Call.of(wait, TaskState.CANCELLED).waitingFor()).isEmpty();
		assertThat(ConversationView.Call.of(new ConversationCall("call_w", "wait_task", "{\"id\": \"task_009\"}", AT,
				"done"), TaskState.IN_PROGRESS).waitingFor()).as("once answered").isEmpty();
	}

	@Test
	void argumentsAndResultsAreLaidOutWhenTheyAreJsonAndCutPastTwoThousandCharactersSayingHowLongTheyWere() {
		String result = "y".repeat(1999) + "😀" + "z".repeat(3000);
		ConversationView.Call shown = ConversationView.Call.of(
				new ConversationCall("call_1", "get_task", "{\"id\":\"task_001\"}", AT, result), TaskState.DONE);

		assertThat(shown.arguments().text()).isEqualTo("{\n  \"id\" : \"task_001\"\n}");
		assertThat(shown.arguments().cut()).isFalse();
		assertThat(shown.result().cut()).isTrue();
		assertThat(shown.result().text()).as("never half a character").isEqualTo("y".repeat(1999) + "…");
		assertThat(shown.result().lengthText()).isEqualTo("5,001 characters");
		assertThat(shown.pending()).isNull();
		assertThat(ConversationView.Call.of(new ConversationCall("c", "t", "not json {", AT, "plain"), TaskState.DONE)
			.arguments()
			.text()).isEqualTo("not json {");
	}

}
