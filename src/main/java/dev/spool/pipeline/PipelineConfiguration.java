package dev.spool.pipeline;

import dev.spool.SpoolProperties;
import dev.spool.agent.ResponderLayer;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/** The named pipes of fifo pipelines, and pipelines themselves. */
@Configuration(proxyBeanMethods = false)
class PipelineConfiguration {

	@Bean
	StartRule pipelineStartRule() {
		return Pipelines.START_RULE;
	}

	@Bean
	Pipes pipes(WorkspaceLayout layout, PipeProperties properties) {
		return new Pipes(layout, properties.mkfifoCommand());
	}

	@Bean
	PipeTransport pipeTransport(TaskStore store, Pipes pipes, PipeProperties properties) {
		return new PipeTransport(store, pipes, properties.stallTimeout());
	}

	@Bean
	@Order(PipedAttempts.ORDER)
	ResponderLayer pipedAttempts(PipeTransport transport) {
		return new PipedAttempts(transport);
	}

	@Bean
	Pipelines pipelines(WorkspaceLayout layout, TaskStore store, Pipes pipes, SpoolProperties properties) {
		return new Pipelines(layout, store, pipes, properties.maxPipelineStages());
	}

}
