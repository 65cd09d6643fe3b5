package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.spool.workspace.TaskBuilder.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A quiet agent's slots take no new task while {@code agents/<name>.quiet} is there, whoever made it, with file events
 * off (the marker is looked at on every take), and take the next one the moment it is resumed; the other agents go on.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "spool.watch=false", "spool.rescan-interval=100ms", "spool.wake-interval=200ms" })
@DirtiesContext
class QuietAgentTests {

	private static final Duration PATIENCE = Duration.ofSeconds(30);

	static final Path workspace = WakeTests.workspaceFolder();

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", workspace::toString);
	}

	@Autowired
	TaskStore store;

	@Autowired
	AgentDirectory agents;

	@Test
	void aQuietAgentTakesNothingWhileTheOthersWorkAndResumedItTakesItsTaskAtOnce() throws IOException {
		assertThat(this.agents.quiet("agent_a", "the model is being upgraded")).hasValueSatisfying((status) -> {
			assertThat(status.quiet()).isTrue();
			assertThat(status.quietBecause()).isEqualTo("the model is being upgraded");
		});
		TaskId waiting = this.store.create(aTask("Name a river").forAgent("agent_a").build()).id();
		TaskId other = this.store.create(aTask("Name a mountain").forAgent("agent_b").build()).id();

		awaitState(other, TaskState.DONE);
		assertThat(state(waiting)).as("agent_a's task while agent_a is quiet").isEqualTo(TaskState.PENDING);

		assertThat(this.agents.resume("agent_a")).hasValueSatisfying((status) -> {
			assertThat(status.quiet()).isFalse();
			assertThat(status.quietBecause()).isNull();
		});
		awaitState(waiting, TaskState.DONE);
	}

	@Test
	void aMarkerMadeByHandQuietsTheAgentAndRemovingItResumesIt() throws IOException {
		Path marker = Files.createFile(workspace.resolve("agents/agent_b.quiet"));
		TaskId waiting = this.store.create(aTask("Name a lake").forAgent("agent_b").build()).id();
		TaskId other = this.store.create(aTask("Name a sea").forAgent("agent_a").build()).id();

		awaitState(other, TaskState.DONE);
		assertThat(state(waiting)).as("agent_b's task while its marker is there").isEqualTo(TaskState.PENDING);
		assertThat(this.agents.find("agent_b")).hasValueSatisfying((status) -> {
			assertThat(status.quiet()).isTrue();
			assertThat(status.quietBecause()).isEmpty();
		});

		Files.delete(marker);
		awaitState(waiting, TaskState.DONE);
	}

	@Test
	void anUnknownAgentIsNeitherQuietedNorResumedAndNothingIsWritten() throws IOException {
		assertThat(this.agents.quiet("agent_z", "why")).isEmpty();
		assertThat(this.agents.resume("agent_z")).isEmpty();
		assertThat(workspace.resolve("agents/agent_z.quiet")).doesNotExist();
	}

	private TaskState state(TaskId id) {
		return this.store.index().find(id).orElseThrow().state();
	}

	private void awaitState(TaskId id, TaskState state) {
		await().atMost(PATIENCE).until(() -> state(id) == state);
	}

}
