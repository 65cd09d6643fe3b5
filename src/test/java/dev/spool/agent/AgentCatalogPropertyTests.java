package dev.spool.agent;

import dev.spool.workspace.AgentNames;
import dev.spool.workspace.HostileYaml;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Whatever an agent definition holds, it loads with sane settings or is refused with a one-line reason. */
class AgentCatalogPropertyTests {

	@Property
	void anyDefinitionLoadsWithSaneSettingsOrIsRefusedWithAOneLineReason(@ForAll("files") String text) {
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
		}
		else {
			assertThat(refused).isInstanceOf(IllegalArgumentException.class);
			assertThat(refused.getMessage()).isNotBlank()
				.hasSizeLessThanOrEqualTo(400)
				.doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
		}
	}

	@Provide
	Arbitrary<String> files() {
		return HostileYaml.files();
	}

}
