package dev.spool.mcpclient;

/**
 * How one server named in {@code mcp.json} stands, for the agents page.
 * @param description the command line, or the URL
 * @param tools how many tools it offered when it last started, or -1 when it never has
 * @param problem why it is refused, failed or exited; null otherwise
 */
public record McpServerStatus(String name, String description, State state, int tools, String problem) {

	/** Where a server is in its life; a server starts at its first use, not with Spool. */
	public enum State {

		NOT_STARTED("not started"), RUNNING("running"), EXITED("exited"), FAILED("failed"), REFUSED("refused");

		private final String word;

		State(String word) {
			this.word = word;
		}

		/** The state as the agents page shows it. */
		public String word() {
			return this.word;
		}

	}

}
