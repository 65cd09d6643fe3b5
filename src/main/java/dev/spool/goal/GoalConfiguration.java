package dev.spool.goal;

import java.time.Clock;

import dev.spool.SpoolProperties;
import dev.spool.agent.AgentCatalog;
import dev.spool.agent.ToolConversations;
import dev.spool.tools.SpoolTools;
import dev.spool.budget.Budgets;
import dev.spool.model.ModelGateway;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.Workspace;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Goals: their plans' files, the planner, and the orchestrator's loop. */
@Configuration(proxyBeanMethods = false)
class GoalConfiguration {

	@Bean
	StartRule goalStartRule() {
		return GoalRule.INSTANCE;
	}

	@Bean
	GoalPlans goalPlans(Workspace workspace) {
		return new GoalPlans(workspace.layout(), workspace.files());
	}

	@Bean
	GoalPlanner goalPlanner(TaskStore store, GoalPlans plans, AgentCatalog catalog, ModelGateway model,
			SpoolProperties properties, Budgets budgets, Clock clock, ToolConversations conversations,
			SpoolTools tools) {
		return new GoalPlanner(store, plans, catalog, model, properties.maxPlanSteps(), budgets, clock, conversations,
				tools);
	}

	@Bean
	GoalWorker goalWorker(TaskStore store, GoalPlanner planner, SpoolProperties properties) {
		return new GoalWorker(store, planner, properties.heartbeatInterval());
	}

	@Bean
	GoalViews goalViews(TaskStore store, GoalPlans plans) {
		return new GoalViews(store, plans);
	}

}
