package dev.spool.workspace;

/** A prompt over the configured limit; nothing was written. */
public class PromptTooLargeException extends InvalidTaskException {

	public PromptTooLargeException(long size, long limit) {
		super("the prompt is " + size + " bytes, more than the limit of " + limit + " (spool.max-prompt-size)");
	}

}
