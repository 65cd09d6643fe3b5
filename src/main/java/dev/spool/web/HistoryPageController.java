package dev.spool.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** What was done, per day over the last 7 or 30 days, and the finished tasks. */
@Controller
class HistoryPageController {

	private final History history;

	HistoryPageController(History history) {
		this.history = history;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only its figures and list. */
	@GetMapping("/history")
	String history(@RequestParam(required = false) Integer days, @RequestParam(required = false) String state,
			@RequestParam(defaultValue = "1") int page, @RequestParam(required = false) Integer size,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		model.addAttribute("history", this.history.view(days, state, page, size));
		return (fragment != null) ? "history :: figures" : "history";
	}

}
