package dev.spool.web;

import java.util.Optional;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The board's filter, from the query string.
 *
 * @param state a state word, or empty for all
 * @param agent an agent that holds, held or is routed the task, or empty for all
 * @param q words to find in titles and prompts
 * @param page the page, from 1
 */
record BoardFilter(String state, String agent, String q, int page) {

	BoardFilter {
		page = Math.max(page, 1);
	}

	/** The board's address with this filter, on another page. */
	public String link(int toPage) {
		return UriComponentsBuilder.fromPath("/")
			.queryParamIfPresent("state", present(this.state))
			.queryParamIfPresent("agent", present(this.agent))
			.queryParamIfPresent("q", present(this.q))
			.queryParam("page", toPage)
			.build()
			.encode()
			.toUriString();
	}

	/** The board's first page for another state, keeping the agent and the words searched for. */
	public String inState(String other) {
		return new BoardFilter(other, this.agent, this.q, 1).link(1);
	}

	/** The board fragment's address with this filter, for live refreshes. */
	public String fragmentLink() {
		return link(this.page);
	}

	private static Optional<String> present(String value) {
		return (value == null || value.isBlank()) ? Optional.empty() : Optional.of(value);
	}

}
