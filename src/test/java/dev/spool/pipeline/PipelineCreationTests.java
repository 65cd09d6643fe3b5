package dev.spool.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.spool.workspace.OwnerHistory;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Task;
import dev.spool.workspace.Workspace;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pipeline is published so that no stage may start before the whole of it exists: an agent looking at the folder
 * the moment its first stage appears finds every stage there.
 */
class PipelineCreationTests {

	@TempDir
	Path root;

	@ParameterizedTest
	@EnumSource(PipelineStage.Transport.class)
	void theFirstStageAppearsOnlyOnceEveryStageExists(PipelineStage.Transport transport) throws IOException {
		Map<String, Long> filesWhenTheFirstStageAppeared = new ConcurrentHashMap<>();
		Path tasks = this.root.resolve("tasks");
		Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 2),
				new Workspace.Extensions(List.of(Pipelines.START_RULE), OwnerHistory.NONE), Clock.systemUTC(),
				(change) -> {
					Task after = change.after();
					if (after != null && after.document().pipeline() != null
							&& after.document().pipeline().stage() == 1) {
						filesWhenTheFirstStageAppeared.computeIfAbsent(after.document().pipeline().pipeline(),
								(pipeline) -> count(tasks));
					}
				});
		Pipes pipes = new Pipes(workspace.layout(), "mkfifo");
		Pipelines pipelines = new Pipelines(workspace.layout(), workspace.store(), pipes, 8);
		List<Pipelines.StageRequest> stages = List.of(new Pipelines.StageRequest("draft", null, null, null),
				new Pipelines.StageRequest("review", null, null, null),
				new Pipelines.StageRequest("polish", null, null, null));

		Pipeline pipeline = pipelines.create(transport, stages);

		assertThat(filesWhenTheFirstStageAppeared).containsExactly(Map.entry(pipeline.id(), 3L));
		assertThat(pipeline.stages()).extracting((task) -> task.document().pipeline().stage()).containsExactly(1, 2, 3);
		assertThat(pipeline.stages().get(1).dependsOn()).isEqualTo(
				(transport == PipelineStage.Transport.FILES) ? List.of(pipeline.stages().get(0).id()) : List.of());
		assertThat(workspace.index().claimable("agent", 10)).extracting(Task::id)
			.containsExactly(pipeline.stages().get(0).id());
		workspace.close();
	}

	private static long count(Path folder) {
		try (Stream<Path> files = Files.list(folder)) {
			return files.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
