package dev.spool.web;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/** Tasks pending again after a failed attempt, with their last error and when they will be tried. */
@Controller
class RetriesPageController {

	private final Retries retries;

	RetriesPageController(Retries retries) {
		this.retries = retries;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only the list. */
	@GetMapping("/retries")
	String retries(@RequestParam(defaultValue = "1") int page, @RequestParam(required = false) Integer size,
			@RequestHeader(name = "HX-Request", required = false) String fragment, Model model) {
		model.addAttribute("retries", this.retries.view(page, size));
		return (fragment != null) ? "retries :: list" : "retries";
	}

}
