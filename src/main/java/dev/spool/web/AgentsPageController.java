package dev.spool.web;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.budget.Budgets;
import dev.spool.budget.TokenTotals;
import dev.spool.mcpclient.McpServers;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;

/** Every agent: model, state, current task, heartbeat age, counts and system prompt; and the workspace's MCP servers. */
@Controller
class AgentsPageController {

	private final AgentDirectory agents;

	private final Clock clock;

	private final Budgets budgets;

	private final McpServers mcpServers;

	AgentsPageController(AgentDirectory agents, Clock clock, Budgets budgets, McpServers mcpServers) {
		this.agents = agents;
		this.clock = clock;
		this.budgets = budgets;
		this.mcpServers = mcpServers;
	}

	@GetMapping("/agents")
	String agents(@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		model.addAttribute("agents", this.agents.list());
		model.addAttribute("problems", this.agents.problems());
		Map<String, String> spending = new HashMap<>();
		for (AgentStatus agent : this.agents.list()) {
			BigDecimal cost = this.budgets.costToday(agent.name());
			spending.put(agent.name(), today(this.budgets.today(agent.name()), this.budgets.agentLimit(agent.name()))
					+ ((cost != null) ? ", $" + cost.toPlainString() : ""));
		}
		model.addAttribute("spending", spending);
		model.addAttribute("workspaceSpending", today(this.budgets.today(), this.budgets.workspaceLimit()));
		model.addAttribute("now", this.clock.instant());
		model.addAttribute("mcpServers", this.mcpServers.statuses());
		model.addAttribute("mcpProblem", this.mcpServers.fileProblem().orElse(null));
		return (fragment != null) ? "agents :: list" : "agents";
	}

	/** "1,200 tokens of 10,000 (budget spent: no more attempts today)", or without the budget part when there is none. */
	private static String today(TokenTotals today, Long budget) {
		String spent = TokenText.count(today.total()) + " tokens";
		if (budget == null) {
			return spent;
		}
		return spent + " of " + TokenText.count(budget)
				+ ((today.total() >= budget) ? " (budget spent: waits for budget until the next UTC day)" : "");
	}

}
