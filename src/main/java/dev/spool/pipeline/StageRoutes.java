package dev.spool.pipeline;

import java.util.List;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;

/** Which agents a pipeline's stages can reach. */
public final class StageRoutes {

	private StageRoutes() {
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
