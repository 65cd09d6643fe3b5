package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** An outside program defined in {@code agents/} with {@code outside: true}: its roles route to it; Spool does not run it. */
@WebTest
class OutsideAgentDefinitionTests {

	private static final Path WORKSPACE = TestWorkspaces.create("outside-definition");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		try {
			Path agents = Files.createDirectories(WORKSPACE.resolve("agents"));
			Files.writeString(agents.resolve("agent_a.md"), "---\nroles: [writer]\n---\nYou write.\n");
			Files.writeString(agents.resolve("shellbot.md"),
					"---\noutside: true\nroles: [reviewer]\n---\nA shell script that reviews.\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@Test
	void aRoleOnlyAnOutsideAgentListsIsAcceptedAndLeftToItWhileSpoolsOwnAgentsWork() throws Exception {
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
			.content("{\"prompt\": \"Review this\", \"role\": \"reviewer\"}")).andExpect(status().isCreated());
		Task written = this.store.create(NewTask.of("Write this"));

		await().atMost(Duration.ofSeconds(20))
			.until(() -> this.store.index().find(written.id()).map(Task::state).orElse(null) == TaskState.DONE);
		Task review = this.store.index()
			.all()
			.stream()
			.filter((task) -> "reviewer".equals(task.document().role()))
			.findFirst()
			.orElseThrow();
		assertThat(review.state()).as("no loop of Spool's runs as shellbot").isEqualTo(TaskState.PENDING);
		// Offered to an agent named shellbot that lists the role, once the file has settled.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(this.store.index().claimable("shellbot", List.of("reviewer"), 10))
				.extracting(Task::id)
				.containsExactly(review.id()));
	}

}
