package dev.spool.pipeline;

import java.util.List;
import java.util.Optional;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;

/** Which agents a pipeline's stages can reach. */
public final class StageRoutes {

	private StageRoutes() {
	}

	/**
	 * A warning for a pending fifo stage after the first that only outside agents may take, once the stage it reads
	 * from has started: such an agent must read the pipe as PROTOCOL.md's "Pipes" says, or the stage waits for ever.
	 */
	public static Optional<String> outsideReader(Task task, Routing routing, TaskIndex index) {
		PipelineStage where = task.document().pipeline();
		if (task.state() != TaskState.PENDING || where == null || where.transport() != PipelineStage.Transport.FIFO
				|| where.stage() == 1 || !routing.onlyOutsideAgentsMayTake(task)) {
			return Optional.empty();
		}
		int from = where.stage() - 1;
		return Pipelines.stage(index, where.pipeline(), from)
			.filter((before) -> before.state() == TaskState.IN_PROGRESS || before.state() == TaskState.DONE)
			.map((before) -> "stage " + where.stage() + " of " + where.pipeline() + " reads stage " + from + " ("
					+ before.id() + ", " + ((before.state() == TaskState.DONE) ? "done" : "in progress") + ") through a pipe, and only an outside agent may "
					+ "take it: it waits until one that reads pipes as PROTOCOL.md (Pipes) says claims it");
	}

	/**
	 * Refuses a pipeline a stage of which no agent could take because of its role.
	 * @throws InvalidTaskException naming the stage
	 */
	public static void check(Routing routing, List<Pipelines.StageRequest> stages) {
		for (int i = 0; i < stages.size(); i++) {
			Pipelines.StageRequest stage = stages.get(i);
			if (stage == null) {
				continue; // Refused with the rest of what is wrong with the stages, by Pipelines.create.
			}
			try {
				routing.check(new NewTask(stage.prompt(), stage.title(), stage.agent(), stage.role(), null, 0,
						List.of(), null, null, null));
			}
			catch (InvalidTaskException ex) {
				throw new InvalidTaskException("stage " + (i + 1) + ": " + ex.getMessage());
			}
		}
	}

}
