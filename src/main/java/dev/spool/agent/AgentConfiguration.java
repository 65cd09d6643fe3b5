package dev.spool.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.spool.SpoolProperties;
import dev.spool.model.ModelGateway;
import dev.spool.recovery.StaleClaimSweeper;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
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
	ToolConversations toolConversations(ModelGateway model, Workspace workspace, Clock clock,
			SpoolProperties properties, ApplicationEventPublisher events) {
		return new ToolConversations(model, workspace.layout(), workspace.files(), clock, properties.maxToolCalls(),
				events);
	}

	@Bean
	Waits waits(SpoolProperties properties) {
		return new Waits(new WorkspaceLayout(properties.workspace()));
	}

	@Bean
	WaitedCancels waitedCancels(Waits waits, TaskStore store) {
		return new WaitedCancels(waits, store);
	}

	@Bean
	LiveAnswers liveAnswers() {
		return new LiveAnswers();
	}

	/**
	 * @param tools what features lend agents' models
	 * @param layers what features put around every attempt (metering, pipes), in their order, the first outermost
	 * @param checks what features ask of a task before a slot claims it
	 */
	@Bean
	QuietMarkers quietMarkers(WorkspaceLayout layout) {
		return new QuietMarkers(layout);
	}

	@Bean
	AgentSupervisor agentSupervisor(AgentCatalog catalog, QuietMarkers quiet, TaskStore store, ModelGateway model, LiveAnswers live,
			Clock clock, SpoolProperties properties, Workspace workspace, ObjectProvider<AgentTools> tools,
			ObjectProvider<ResponderLayer> layers, ObjectProvider<ClaimCheck> checks, ToolConversations conversations,
			ApplicationEventPublisher events) {
		Responder command = new CommandResponder(workspace.layout().root(), COMMAND_GRACE,
				CommandEnvironment.ofThisProcess());
		Responder responder = Responder.either(new ModelResponder(model, tools.orderedStream().toList(),
				conversations), command);
		List<ResponderLayer> outermostFirst = layers.orderedStream().toList();
		for (int i = outermostFirst.size() - 1; i >= 0; i--) {
			responder = outermostFirst.get(i).around(responder);
		}
		List<ClaimCheck> allChecks = checks.orderedStream().toList();
		ClaimCheck all = (task, agent) -> allChecks.stream().allMatch((check) -> check.allows(task, agent));
		return new AgentSupervisor(catalog, quiet, store, responder, live, clock, properties, all, events);
	}

	@Bean
	TaskConversations taskConversations(Workspace workspace, Clock clock) {
		return new TaskConversations(workspace.layout(), workspace.files(), clock);
	}

	@Bean
	Routing routing(AgentCatalog catalog, TaskStore store) {
		return new Routing(catalog, store.index());
	}

	@Bean
	AgentDirectory agentDirectory(AgentCatalog catalog, AgentSupervisor supervisor, TaskStore store,
			StaleClaimSweeper sweeper, QuietMarkers quiet) {
		return new AgentDirectory(catalog, supervisor, store, sweeper, quiet);
	}

}
