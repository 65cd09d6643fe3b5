package dev.spool.workspace;

/** Input that cannot become a task; nothing was written. */
public class InvalidTaskException extends RuntimeException {

	public InvalidTaskException(String message) {
		super(message);
	}

}
