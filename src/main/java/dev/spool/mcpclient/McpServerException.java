package dev.spool.mcpclient;

/** A server could not be used; the message names it and says why, in words a model or a person can act on. */
final class McpServerException extends Exception {

	McpServerException(String message) {
		super(message);
	}

}
