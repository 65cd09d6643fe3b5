package dev.spool.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.workspace.TaskId;

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
	void aCommandSeesNoneOfSpoolsSecretsButTheVariablesItsDefinitionNames() throws InterruptedException {
		String printed = run(List.of("GITHUB_TOKEN", "MISSING_IN_SPOOL"));

		assertThat(printed.lines()).containsExactlyInAnyOrder("GITHUB_TOKEN=ghp-named", "HOME=/home/spool",
				"LANG=C.UTF-8", "PATH=/usr/bin:/bin", "SPOOL_AGENT=printer", "SPOOL_TASK_ID=task_007",
				"SPOOL_WORKSPACE=" + this.workspace);
		assertThat(printed).doesNotContain("secret");
	}

	@Test
	void withoutEnvACommandGetsOnlyTheDocumentedFew() throws InterruptedException {
		assertThat(run(List.of()).lines().map((line) -> line.substring(0, line.indexOf('='))))
			.containsExactlyInAnyOrder("HOME", "LANG", "PATH", "SPOOL_AGENT", "SPOOL_TASK_ID", "SPOOL_WORKSPACE");
	}

	private String run(List<String> named) throws InterruptedException {
		AgentDefinition printer = new AgentDefinition("printer", null, null, 1, List.of(), "", false,
				List.of("env"), null, named);
		CommandResponder responder = new CommandResponder(this.workspace, Duration.ofSeconds(3),
				new CommandEnvironment(SPOOL));
		return responder.answer(new Responder.Request(TaskId.of(7), printer, "ignored"), (piece) -> {
		}).text();
	}

}
