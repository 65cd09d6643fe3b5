package dev.spool.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.OtherUser;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.spool.agent.CommandAgents.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * Another local user who may write the workspace root swaps {@code agents/} for a folder of their own holding a
 * command agent: Spool flags it and runs nothing as its own user.
 */
class PlantedCommandAgentTests {

	@TempDir
	Path root;

	@Test
	void aCommandAgentPlantedInAnAgentsFolderSwappedByAnotherUserIsFlaggedAndNeverRun() throws Exception {
		OtherUser.assumeAvailable();
		CommandAgents agents = CommandAgents.in(this.root);
		// Only Spool's user can write here: a marker in it was made by Spool.
		Path marker = agents.scratch.resolve("pwned-" + UUID.randomUUID());
		OtherUser.mayWrite(agents.workspace);
		OtherUser.run(Duration.ofSeconds(10), "/bin/sh", "-c", "cd \"$1\" && mv agents agents.old && mkdir agents && "
				+ "printf '%s\\n' '---' \"command: [/bin/sh, -c, \\\"touch $2\\\"]\" '---' 'Planted.' "
				+ "> agents/agent_x.md", "sh", agents.workspace.toString(), marker.toString());
		Path planted = agents.workspace.resolve("agents/agent_x.md");
		assertThat(planted).content().contains("touch " + marker);

		try (ConfigurableApplicationContext spool = agents.start()) {
			TaskId id = spool.getBean(TaskStore.class)
				.create(aTask("Anything.").forAgent("agent_x").build())
				.id();
			AgentCatalog catalog = spool.getBean(AgentCatalog.class);

			String problem = await().atMost(PATIENCE).until(() -> catalog.problems().get("agent_x.md"),
					(reason) -> reason != null);

			assertThat(problem).contains("names a command, but the definition " + planted + " is owned by user "
					+ OtherUser.ID);
			assertThat(catalog.find("agent_x")).isEmpty();
			assertThat(spool.getBean(AgentSupervisor.class).workers("agent_x")).isEmpty();
			assertThat(spool.getBean(TaskStore.class).index().find(id).orElseThrow().state())
				.isEqualTo(TaskState.PENDING);
			assertThat(marker).doesNotExist();
		}
	}

}
