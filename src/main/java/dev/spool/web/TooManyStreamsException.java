package dev.spool.web;

import java.time.Duration;

/** A client asked for one more event stream than {@code spool.max-streams-per-client} lets it hold open. */
class TooManyStreamsException extends RuntimeException {

	/** When a refused client may try again; by then a tab it closed has let its stream go. */
	static final Duration RETRY_AFTER = Duration.ofSeconds(10);

	TooManyStreamsException(String client, int most) {
		super("this client (" + client + ") already holds " + most + " event streams open, the most"
				+ " spool.max-streams-per-client allows; close one (a dashboard tab) or try again in "
				+ RETRY_AFTER.toSeconds() + " s");
	}

}
