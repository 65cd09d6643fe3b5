package dev.spool.web;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.spool.workspace.AgentNames;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.ProblemText;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * The board's filter and order, from the query string.
 *
 * @param state a state word, or empty for all
 * @param agent an agent that holds, held or is routed the task, or empty for all
 * @param q words to find in titles, prompts and the start of answers (see {@link AnswerTexts})
 * @param page the page, from 1
 * @param sort the column sorted by ({@link BoardSort}'s words), or null for the newest first
 * @param dir {@code asc} or {@code desc}, or null for the column's first direction
 * @param size rows a page holds: 25, 50 or 100, null for 25
 */
record BoardFilter(String state, String agent, String q, int page, String sort, String dir, Integer size) {

	/**
	 * @throws InvalidTaskException for a size other than 25, 50 or 100, or an agent that no agent could be named
	 */
	BoardFilter {
		page = Math.max(page, 1);
		if (agent != null && !agent.isBlank() && !AgentNames.isValid(agent.strip())) {
			throw new InvalidTaskException(ProblemText.quoted(agent) + " is not an agent's name: agents are named with"
					+ " lower-case letters, digits, '_' and '-', at most 63 characters");
		}
		size = (size == null || size == Pager.DEFAULT_SIZE) ? null : Pager.size(size);
		// An unknown column or direction is left out, as an unknown state is: the board as it comes by default.
		sort = BoardSort.fromWord(sort).map(BoardSort::word).orElse(null);
		dir = (sort != null && ("asc".equals(dir) || "desc".equals(dir))) ? dir : null;
	}

	BoardFilter(String state, String agent, String q, int page, String sort, String dir) {
		this(state, agent, q, page, sort, dir, null);
	}

	BoardFilter(String state, String agent, String q, int page) {
		this(state, agent, q, page, null, null);
	}

	/** Rows a page holds. */
	int pageSize() {
		return (this.size != null) ? this.size : Pager.DEFAULT_SIZE;
	}

	/** The pager over so many matching tasks, whose links keep this filter and order. */
	Pager pager(long matching) {
		Map<String, String> query = new HashMap<>();
		present(this.state).ifPresent((value) -> query.put("state", value));
		present(this.agent).ifPresent((value) -> query.put("agent", value));
		present(this.q).ifPresent((value) -> query.put("q", value));
		present(this.sort).ifPresent((value) -> query.put("sort", value));
		present(this.dir).ifPresent((value) -> query.put("dir", value));
		return new Pager("/", query, this.page, pageSize(), matching);
	}

	/** The column sorted by; the id, newest first, unless the query string says otherwise. */
	BoardSort sortBy() {
		return BoardSort.fromWord(this.sort).orElse(BoardSort.ID);
	}

	/** Whether the column sorts its highest values first. */
	boolean descending() {
		return (this.dir != null) ? this.dir.equals("desc") : sortBy().firstDirection().equals("descending");
	}

	/** Whether the board shows its default order, newest first, which the index keeps ready. */
	public boolean newestFirst() {
		return sortBy() == BoardSort.ID && descending();
	}

	/** The board's address with this filter, on another page. */
	public String link(int toPage) {
		return UriComponentsBuilder.fromPath("/")
			.queryParamIfPresent("state", present(this.state))
			.queryParamIfPresent("agent", present(this.agent))
			.queryParamIfPresent("q", present(this.q))
			.queryParamIfPresent("sort", present(this.sort))
			.queryParamIfPresent("dir", present(this.dir))
			.queryParamIfPresent("size", Optional.ofNullable(this.size))
			.queryParam("page", toPage)
			.build()
			.encode()
			.toUriString();
	}

	/** The board's first page for another state, keeping the agent, the words searched for and the order. */
	public String inState(String other) {
		return new BoardFilter(other, this.agent, this.q, 1, this.sort, this.dir, this.size).link(1);
	}

	/** The board's first page sorted by a column: the other way round if it is sorted by it already. */
	public String sortedBy(String column) {
		BoardSort wanted = BoardSort.fromWord(column).orElseThrow();
		boolean descending = (wanted == sortBy()) ? !descending() : wanted.firstDirection().equals("descending");
		return new BoardFilter(this.state, this.agent, this.q, 1, wanted.word(), descending ? "desc" : "asc",
				this.size).link(1);
	}

	/** The header's {@code aria-sort}: the direction of the column sorted by, and null (no attribute) for others. */
	public String ariaSort(String column) {
		if (BoardSort.fromWord(column).orElse(null) != sortBy()) {
			return null;
		}
		return descending() ? "descending" : "ascending";
	}

	/** The arrow beside a column's name: its direction when sorted by it, else nothing. */
	public String arrow(String column) {
		String sorted = ariaSort(column);
		return (sorted == null) ? "" : sorted.equals("descending") ? "▼" : "▲";
	}

	/** The board fragment's address with this filter, for live refreshes. */
	public String fragmentLink() {
		return link(this.page);
	}

	private static Optional<String> present(String value) {
		return (value == null || value.isBlank()) ? Optional.empty() : Optional.of(value);
	}

}
