package dev.spool.agent;

import dev.spool.GeneratedText;
import dev.spool.PropertyCheck;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.HostileYaml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Whatever an agent definition holds, it loads with sane settings or is refused with a one-line reason. 1,000 tries;
 * more with {@code -Dspool.property.tries=N}, and a run replays with {@code -Dspool.property.seed=S}.
 */
class AgentCatalogPropertyTests {

	@Test
	void anyDefinitionLoadsWithSaneSettingsOrIsRefusedWithAOneLineReason() {
		PropertyCheck.forAll("anyDefinitionLoadsWithSaneSettingsOrIsRefusedWithAOneLineReason", HostileYaml::file)
			.shrinkingWith(GeneratedText::smaller)
			.classify(AgentCatalogPropertyTests::loadsWithSaneSettingsOrIsRefusedWithAOneLineReason)
			// The files must reach both outcomes, or the property would be proving little.
			.reachMoreThan("loaded", 10)
			.reachMoreThan("refused", 10);
	}

	private static String loadsWithSaneSettingsOrIsRefusedWithAOneLineReason(String text) {
		AgentDefinition[] loaded = new AgentDefinition[1];
		Throwable refused = catchThrowable(() -> loaded[0] = AgentCatalog.parse("agent_a", text));

		if (refused == null) {
			AgentDefinition definition = loaded[0];
			assertThat(AgentNames.isValid(definition.name())).isTrue();
			assertThat(definition.concurrency()).isBetween(1, 32);
			assertThat(definition.roles()).doesNotContainNull();
			assertThat(definition.systemPrompt()).isNotNull();
			if (definition.temperature() != null) {
				assertThat(definition.temperature()).isFinite().isNotNegative();
			}
			return "loaded";
		}
		else {
			assertThat(refused).isInstanceOf(IllegalArgumentException.class);
			assertThat(refused.getMessage()).isNotBlank()
				.hasSizeLessThanOrEqualTo(400)
				.doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
			return "refused";
		}
	}

}
