package dev.spool.web;

import java.util.List;

import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.budget.Budgets;
import dev.spool.budget.TokenTotals;
import dev.spool.workspace.InvalidTaskException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tokens spent per UTC day, agent and model, their cost, and today's budgets. */
@RestController
@RequestMapping("/api")
@Tag(name = "Usage", description = "Tokens, cost and budgets")
class UsageApiController {

	private static final int MAX_DAYS = 366;

	private final Budgets budgets;

	private final AgentDirectory agents;

	UsageApiController(Budgets budgets, AgentDirectory agents) {
		this.budgets = budgets;
		this.agents = agents;
	}

	@Operation(summary = "Tokens spent", description = "Per UTC day, agent and model over the last days, with the "
			+ "cost where the model has a price (spool.prices); and today's tokens against each budget.")
	@ApiResponse(responseCode = "200", description = "the totals")
	@ApiResponse(responseCode = "400", description = "days out of range")
	@GetMapping("/usage")
	Usage usage(@Parameter(description = "UTC days back, today included, 1 to 366") @RequestParam(
			defaultValue = "7") int days) {
		if (days < 1 || days > MAX_DAYS) {
			throw new InvalidTaskException("days must be 1 to " + MAX_DAYS);
		}
		List<AgentToday> today = this.agents.list()
			.stream()
			.map(AgentStatus::name)
			.map((name) -> AgentToday.of(name, this.budgets.today(name), this.budgets.agentLimit(name)))
			.toList();
		return new Usage(this.budgets.usage(days), new Budget(this.budgets.today(), this.budgets.workspaceLimit()),
				today);
	}

	/**
	 * The answer of {@code GET /api/usage}.
	 *
	 * @param days totals per day, agent and model, newest day first
	 * @param workspace today's tokens of all agents and the workspace's daily budget
	 * @param agents today's tokens of each agent and its daily budget
	 */
	record Usage(List<Budgets.Usage> days, Budget workspace, List<AgentToday> agents) {
	}

	/**
	 * Today's tokens against a budget.
	 *
	 * @param today tokens spent today (UTC)
	 * @param budget the daily budget, or null for none
	 */
	record Budget(TokenTotals today, Long budget) {
	}

	/**
	 * One agent's tokens today.
	 *
	 * @param agent its name
	 * @param today tokens it spent today (UTC)
	 * @param budget its daily budget, or null for none
	 * @param spent whether the budget is spent, so it starts no more attempts today
	 */
	record AgentToday(String agent, TokenTotals today, Long budget, boolean spent) {

		static AgentToday of(String agent, TokenTotals today, Long budget) {
			return new AgentToday(agent, today, budget, budget != null && today.total() >= budget);
		}

	}

}
