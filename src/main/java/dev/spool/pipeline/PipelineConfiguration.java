package dev.spool.pipeline;

import dev.spool.SpoolProperties;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
	Pipelines pipelines(WorkspaceLayout layout, TaskStore store, Pipes pipes, SpoolProperties properties) {
		return new Pipelines(layout, store, pipes, properties.maxPipelineStages());
	}

}
