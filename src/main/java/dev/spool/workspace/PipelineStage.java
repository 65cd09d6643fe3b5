package dev.spool.workspace;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a task stands in a pipeline: front matter {@code pipeline: pipeline_001}, {@code stage: 2} and
 * {@code transport: files} or {@code fifo}.
 *
 * @param pipeline the pipeline's id, {@code pipeline_} and a number
 * @param stage the stage's number, from 1
 * @param transport how the previous stage's answer reaches this one
 */
public record PipelineStage(String pipeline, int stage, Transport transport) {

	private static final Pattern ID = Pattern.compile("pipeline_\\d{1,18}");

	public PipelineStage {
		if (!isPipelineId(pipeline) || stage < 1 || transport == null) {
			throw new IllegalArgumentException("not a pipeline stage: " + pipeline + " stage " + stage);
		}
	}

	public static boolean isPipelineId(String text) {
		return text != null && ID.matcher(text).matches();
	}

	/** How one stage's answer reaches the next. */
	public enum Transport {

		/** The next stage depends on this one and is handed its output once it is done. */
		FILES,
		/** The next stage reads this one's answer from a named pipe as the tokens arrive. */
		FIFO;

		public String word() {
			return name().toLowerCase(Locale.ROOT);
		}

		public static Optional<Transport> fromWord(String word) {
			for (Transport transport : values()) {
				if (transport.word().equals(word)) {
					return Optional.of(transport);
				}
			}
			return Optional.empty();
		}

	}

}
