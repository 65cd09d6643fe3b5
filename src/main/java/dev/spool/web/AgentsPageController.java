package dev.spool.web;

import java.io.IOException;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

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

	/** Quiets an agent from its Quiet button, then goes back to the page the button was on (the board or this page). */
	@PostMapping("/agents/{name}/quiet")
	String quiet(@PathVariable String name, @RequestParam(required = false) String reason,
			@RequestParam(required = false) String back) throws IOException {
		this.agents.quiet(name, reason).orElseThrow(() -> new AgentApiController.AgentNotFoundException(name));
		return "redirect:" + back(back);
	}

	/** Resumes a quiet agent from its Resume button, then goes back to the page the button was on. */
	@PostMapping("/agents/{name}/resume")
	String resume(@PathVariable String name, @RequestParam(required = false) String back) throws IOException {
		this.agents.resume(name).orElseThrow(() -> new AgentApiController.AgentNotFoundException(name));
		return "redirect:" + back(back);
	}

	/** Back to the agents page, or to the board with its filter, order and page (see {@link BackLink}). */
	private static String back(String given) {
		return "/agents".equals(given) ? given : BackLink.of(given);
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
