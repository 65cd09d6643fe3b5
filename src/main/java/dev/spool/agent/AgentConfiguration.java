package dev.spool.agent;

import java.time.Clock;

import dev.spool.SpoolProperties;
import dev.spool.budget.Budgets;
import dev.spool.model.ModelGateway;
import dev.spool.orchestrator.StaleClaimSweeper;
import dev.spool.workspace.PipeProperties;
import dev.spool.workspace.Pipes;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agents defined in the workspace, and the loops that run them. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

	@Bean
	AgentCatalog agentCatalog(WorkspaceLayout layout) {
		return new AgentCatalog(layout);
	}

	@Bean
	LiveAnswers liveAnswers() {
		return new LiveAnswers();
	}

	@Bean
	AgentSupervisor agentSupervisor(AgentCatalog catalog, TaskStore store, ModelGateway model, LiveAnswers live,
			Clock clock, SpoolProperties properties, PipeTransport pipes, Budgets budgets) {
		return new AgentSupervisor(catalog, store, model, live, clock, properties, pipes, budgets); // spool: budgets
	}

	// spool: pipelines
	@Bean
	PipeTransport pipeTransport(TaskStore store, Pipes pipes, PipeProperties properties) {
		return new PipeTransport(store, pipes, properties.stallTimeout());
	}

	@Bean
	Routing routing(AgentCatalog catalog, TaskStore store) {
		return new Routing(catalog, store.index());
	}

	@Bean
	AgentDirectory agentDirectory(AgentCatalog catalog, AgentSupervisor supervisor, TaskStore store,
			StaleClaimSweeper sweeper) {
		return new AgentDirectory(catalog, supervisor, store, sweeper);
	}

}
