package dev.spool.workspace;

/** The task is in a state that the asked-for change does not start from; nothing was changed. */
public class TransitionNotAllowedException extends RuntimeException {

	public TransitionNotAllowedException(String message) {
		super(message);
	}

}
