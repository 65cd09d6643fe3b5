package dev.spool.web;

import java.net.URI;

/**
 * Where a page that asked to confirm something leads back to: the board with its filter, order and page, or a task's
 * page, as the form that led there said; anything else (another site, a scheme, a fragment, odd characters) leads to
 * the board, so that the parameter cannot send a person elsewhere.
 */
final class BackLink {

	static final String BOARD = "/";

	private BackLink() {
	}

	/** The address to go back to: the one given when it is the board's or a task page's, else the board. */
	static String of(String given) {
		if (given == null || given.length() > 2000 || !given.startsWith("/") || given.startsWith("//")
				|| given.chars().anyMatch((c) -> c < 0x21 || c > 0x7e || c == '\\')) {
			return BOARD;
		}
		try {
			URI uri = new URI(given);
			boolean local = uri.getScheme() == null && uri.getRawAuthority() == null && uri.getRawFragment() == null;
			String path = uri.getRawPath();
			boolean known = BOARD.equals(path) || (path != null && path.matches("/tasks/task_\\d+"));
			return (local && known) ? given : BOARD;
		}
		catch (java.net.URISyntaxException ex) {
			return BOARD;
		}
	}

}
