package dev.spool.web;

import java.time.Clock;

import dev.spool.agent.AgentDirectory;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;

/** Every agent: model, state, current task, heartbeat age, counts and system prompt. */
@Controller
class AgentsPageController {

	private final AgentDirectory agents;

	private final Clock clock;

	AgentsPageController(AgentDirectory agents, Clock clock) {
		this.agents = agents;
		this.clock = clock;
	}

	@GetMapping("/agents")
	String agents(@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		model.addAttribute("agents", this.agents.list());
		model.addAttribute("problems", this.agents.problems());
		model.addAttribute("now", this.clock.instant());
		return (fragment != null) ? "agents :: list" : "agents";
	}

}
