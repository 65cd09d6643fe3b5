package dev.spool.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.workspace.Answer;
import dev.spool.workspace.Claim;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.OwnerHistory;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A reviewed stage of a files pipeline holds the next stage until a person approves its answer. */
class PipelineReviewTests {

	@TempDir
	Path root;

	@Test
	void theNextStageWaitsUntilTheReviewedStageIsApproved() throws IOException {
		Workspace workspace = open();
		Pipelines pipelines = new Pipelines(workspace.layout(), workspace.store(), new Pipes(workspace.layout(),
				"mkfifo"), 8);
		Pipeline pipeline = pipelines.create(PipelineStage.Transport.FILES,
				List.of(new Pipelines.StageRequest("draft", null, null, null, true),
						new Pipelines.StageRequest("polish", null, null, null)));
		Task first = pipeline.stages().get(0);
		Task second = pipeline.stages().get(1);
		Claim claim = workspace.store().claim(first, "agent").orElseThrow();
		workspace.store().complete(claim, new Answer("a draft", "m", false, null));

		assertThat(workspace.index().find(first.id()).orElseThrow().state()).isEqualTo(TaskState.REVIEW);
		assertThat(workspace.index().claimable("agent", 10)).extracting(Task::id).doesNotContain(second.id());

		workspace.store().approve(first.id(), "alice");

		assertThat(workspace.index().claimable("agent", 10)).extracting(Task::id).containsExactly(second.id());
		workspace.close();
	}

	@Test
	void aFifoStageThatANextStageStreamsFromCannotBeReviewed() throws IOException {
		Workspace workspace = open();
		Pipelines pipelines = new Pipelines(workspace.layout(), workspace.store(), new Pipes(workspace.layout(),
				"mkfifo"), 8);

		assertThatThrownBy(() -> pipelines.create(PipelineStage.Transport.FIFO,
				List.of(new Pipelines.StageRequest("draft", null, null, null, true),
						new Pipelines.StageRequest("polish", null, null, null))))
			.isInstanceOf(InvalidTaskException.class)
			.hasMessageStartingWith("stage 1 cannot be reviewed: in a fifo pipeline the next stage reads its answer");
		assertThat(workspace.index().all()).isEmpty();
		workspace.close();
	}

	private Workspace open() throws IOException {
		return Workspace.open(this.root, new Workspace.Settings(false, 1024, 2),
				new Workspace.Extensions(List.of(Pipelines.START_RULE), OwnerHistory.NONE), Clock.systemUTC(),
				(change) -> {
				});
	}

}
