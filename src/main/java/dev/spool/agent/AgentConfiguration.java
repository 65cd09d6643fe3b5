package dev.spool.agent;

import java.time.Clock;
import java.time.Duration;

import dev.spool.SpoolProperties;
import dev.spool.budget.Budgets;
import dev.spool.model.ModelGateway;
import dev.spool.pipeline.PipeProperties;
import dev.spool.pipeline.PipeTransport;
import dev.spool.pipeline.Pipes;
import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The agents defined in the workspace, and the loops that run them. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

	/** How long a command has to exit after SIGTERM (a timeout, a cancel, a stop) before it gets SIGKILL. */
	private static final Duration COMMAND_GRACE = Duration.ofSeconds(3);

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
			Clock clock, SpoolProperties properties, PipeTransport pipes, WorkspaceLayout layout, Budgets budgets) {
		Responder command = new CommandResponder(layout.root(), COMMAND_GRACE, CommandEnvironment.ofThisProcess());
		Responder responder = Responder.either(new ModelResponder(model), command);
		return new AgentSupervisor(catalog, store, responder, live, clock, properties, pipes, budgets);
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
