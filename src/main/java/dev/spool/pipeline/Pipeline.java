package dev.spool.pipeline;

import java.util.List;

import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;

/**
 * A pipeline as its task files tell it: the tasks whose front matter names it, in stage order.
 *
 * @param id the pipeline's id, {@code pipeline_} and a number
 * @param transport how each stage's answer reaches the next, as stage one's front matter says
 * @param stages its tasks, by stage number
 */
public record Pipeline(String id, PipelineStage.Transport transport, List<Task> stages) {

	public Pipeline {
		stages = List.copyOf(stages);
	}

}
