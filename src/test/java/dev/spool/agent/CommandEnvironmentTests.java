package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.workspace.Claim;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command runs with a small environment, not Spool's: Spool's secrets stay with Spool, and a definition names what
 * else its command needs.
 */
class CommandEnvironmentTests {

	private static final Map<String, String> SPOOL = Map.of("PATH", ".::relative/bin:/usr/bin:/bin", "HOME",
			"/home/spool", "LANG", "C.UTF-8", "SPOOL_API_TOKEN", "spool-secret", "OPENAI_API_KEY", "sk-openai-secret",
			"SPRING_AI_OPENAI_API_KEY", "sk-spring-secret", "GITHUB_TOKEN", "ghp-named", "SPOOL_AGENT", "not-this");

	@TempDir
	Path workspace;

	@Test
	void aCommandSeesNoneOfSpoolsSecretsButTheVariablesItsDefinitionNames() throws IOException, InterruptedException {
		String printed = run(List.of("GITHUB_TOKEN", "MISSING_IN_SPOOL"));

		assertThat(printed.lines()).containsExactlyInAnyOrder("GITHUB_TOKEN=ghp-named", "HOME=/home/spool",
				"LANG=C.UTF-8", "PATH=/usr/bin:/bin", "SPOOL_AGENT=printer", "SPOOL_TASK_ID=task_001",
				"SPOOL_WORKSPACE=" + this.workspace);
		assertThat(printed).doesNotContain("secret");
	}

	@Test
	void withoutEnvACommandGetsOnlyTheDocumentedFew() throws IOException, InterruptedException {
		assertThat(run(List.of()).lines().map((line) -> line.substring(0, line.indexOf('='))))
			.containsExactlyInAnyOrder("HOME", "LANG", "PATH", "SPOOL_AGENT", "SPOOL_TASK_ID", "SPOOL_WORKSPACE");
	}

	private String run(List<String> named) throws IOException, InterruptedException {
		AgentDefinition printer = new AgentDefinition("printer", null, null, 1, List.of(), "", false,
				List.of("env"), null, named);
		CommandResponder responder = new CommandResponder(this.workspace, Duration.ofSeconds(3),
				new CommandEnvironment(SPOOL));
		TaskStore store = Workspace.open(this.workspace, new Workspace.Settings(false, 1024, 2), Clock.systemUTC(),
				(change) -> {
				})
			.store();
		Task task = store.create(NewTask.of("ignored"));
		Claim claim = store.claim(task, "printer").orElseThrow();
		Outcome outcome = responder.answer(new Responder.Request(claim, printer, "ignored", new Responder.Spending()),
				(piece) -> {
				});
		assertThat(outcome).isInstanceOf(Outcome.Answered.class);
		return ((Outcome.Answered) outcome).answer().text();
	}

}
