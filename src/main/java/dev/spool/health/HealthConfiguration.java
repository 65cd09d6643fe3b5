package dev.spool.health;

import dev.spool.model.ModelGateway;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spool's own health checks, shown by {@code /actuator/health} as {@code workspace} and {@code model}. */
@Configuration(proxyBeanMethods = false)
class HealthConfiguration {

	@Bean
	WorkspaceHealthIndicator workspaceHealthIndicator(WorkspaceLayout layout, HealthProperties properties) {
		return new WorkspaceHealthIndicator(layout, properties.minFreeSpace());
	}

	@Bean
	ModelHealthIndicator modelHealthIndicator(ModelGateway model) {
		return new ModelHealthIndicator(model);
	}

}
