package dev.spool.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.spool.workspace.InvalidTaskException;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Which page of a list a page shows, how many rows a page holds (25, 50 or 100), and the links to the others, kept in
 * the address so that a reload or the browser's Back shows the same rows; {@code fragments/pager} draws it.
 *
 * @param path the page's path
 * @param query the rest of the page's query string, kept on every link
 * @param page this page's number, from 1
 * @param size rows a page holds
 * @param total rows in the whole list
 */
public record Pager(String path, Map<String, String> query, int page, int size, long total) {

	static final List<Integer> SIZES = List.of(25, 50, 100);

	static final int DEFAULT_SIZE = 25;

	/** Pages on either side of this one that get a numbered link. */
	private static final int NEAR = 2;

	public Pager {
		query = Map.copyOf(query);
		page = Math.min(Math.max(page, 1), pages(total, size));
	}

	/**
	 * A pager for a page and size from the query string; a page past the last shows the last.
	 * @throws InvalidTaskException for a size other than 25, 50 or 100, so that the page answers 400
	 */
	static Pager of(String path, Map<String, String> query, int page, Integer size, long total) {
		return new Pager(path, query, page, size(size), total);
	}

	/** The size asked for, 25 when none is. */
	static int size(Integer size) {
		if (size == null) {
			return DEFAULT_SIZE;
		}
		if (!SIZES.contains(size)) {
			throw new InvalidTaskException("size must be 25, 50 or 100 rows a page, not " + size);
		}
		return size;
	}

	private static int pages(long total, int size) {
		return (int) Math.max(1, (total + size - 1) / size);
	}

	/** How many pages there are. */
	public int pages() {
		return pages(this.total, this.size);
	}

	/** How many rows come before this page's first. */
	public long offset() {
		return (long) (this.page - 1) * this.size;
	}

	/** The numbers of the pages shown as links: this one and up to two either side. */
	public List<Integer> near() {
		List<Integer> numbers = new ArrayList<>();
		for (int number = Math.max(1, this.page - NEAR); number <= Math.min(pages(), this.page + NEAR); number++) {
			numbers.add(number);
		}
		return numbers;
	}

	/** The sizes a person may choose. */
	public List<Integer> sizes() {
		return SIZES;
	}

	/** The first row shown, from 1 (0 when there is none). */
	public long first() {
		return (this.total == 0) ? 0 : offset() + 1;
	}

	/** The last row shown. */
	public long last() {
		return Math.min(this.total, offset() + this.size);
	}

	/** Which rows are shown: {@code 26–50 of 120}, or {@code none}. */
	public String range() {
		return (this.total == 0) ? "none" : first() + "–" + last() + " of " + this.total;
	}

	/** This list's address on another page. */
	public String link(int toPage) {
		return address(toPage, this.size);
	}

	/** This list's first page with another size. */
	public String sized(int toSize) {
		return address(1, toSize);
	}

	/** The query's values other than page and size, for the size form's hidden fields. */
	public Map<String, String> kept() {
		return this.query;
	}

	private String address(int toPage, int toSize) {
		MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
		this.query.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() != null && !entry.getValue().isBlank())
			.sorted(Map.Entry.comparingByKey())
			.forEach((entry) -> params.add(entry.getKey(), entry.getValue()));
		if (toSize != DEFAULT_SIZE) {
			params.add("size", String.valueOf(toSize));
		}
		if (toPage != 1) {
			params.add("page", String.valueOf(toPage));
		}
		return UriComponentsBuilder.fromPath(this.path).queryParams(params).build().encode().toUriString();
	}

}
