package dev.spool.agent;

/**
 * A tool whose effect must happen once per call of the model's, such as submitting a task: given the call's id, a
 * call made again (by the attempt that resumes a conversation cut off after the effect and before its result was
 * recorded) finds what the first one made instead of making it again.
 */
public interface KeyedTool {

	/** Runs the call, keyed by the model's id for it. */
	String call(String arguments, String callId);

}
