package dev.spool.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.PromptTooLargeException;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.WorkspaceLayout;

/**
 * Creates pipelines (one task per stage, chained through their front matter) and finds them again from the task files.
 * Pipeline ids are reserved like task ids, by an exclusive create of {@code .spool/pipelines/<id>}, so processes
 * creating pipelines at once never share one.
 */
public final class Pipelines {

	private final WorkspaceLayout layout;

	private final TaskStore store;

	private final Pipes pipes;

	private final int maxStages;

	/** @param maxStages the most stages a pipeline may have */
	public Pipelines(WorkspaceLayout layout, TaskStore store, Pipes pipes, int maxStages) {
		this.layout = layout;
		this.store = store;
		this.pipes = pipes;
		this.maxStages = maxStages;
	}

	/**
	 * One stage as a caller asks for it.
	 *
	 * @param prompt the stage's own prompt, required
	 * @param title an optional title
	 * @param agent the only agent that may take it, or null
	 * @param role the role an agent must have to take it, or null
	 * @param review whether a person approves or rejects its answer before the next stage starts
	 */
	public record StageRequest(String prompt, String title, String agent, String role, boolean review) {

		/** A stage whose answer goes on to the next stage without review. */
		public StageRequest(String prompt, String title, String agent, String role) {
			this(prompt, title, agent, role, false);
		}

	}

	/**
	 * Validates every stage, then reserves the pipeline's id and every stage's task id, and writes one pending task per
	 * stage, the last first, so that no stage may start before the whole pipeline exists. Stages of a {@code files}
	 * pipeline each depend on the one before.
	 * @throws InvalidTaskException if anything asked for is invalid, there are more stages than allowed, or fifo
	 * pipes are not available; nothing is written
	 */
	public Pipeline create(PipelineStage.Transport transport, List<StageRequest> stages) {
		if (transport == null) {
			throw new InvalidTaskException("the transport is missing: use \"files\" or \"fifo\"");
		}
		if (stages == null || stages.size() < 2) {
			throw new InvalidTaskException("a pipeline has two or more stages");
		}
		if (stages.size() > this.maxStages) {
			throw new InvalidTaskException("a pipeline has at most " + this.maxStages + " stages "
					+ "(spool.max-pipeline-stages); this one has " + stages.size());
		}
		int maxDepth = this.store.index().maxDependencyDepth();
		if (transport == PipelineStage.Transport.FILES && stages.size() - 1 > maxDepth) {
			// Each stage depends on the one before: the last would be refused, with the others already written.
			throw new InvalidTaskException("a files pipeline of " + stages.size() + " stages is a chain of "
					+ (stages.size() - 1) + " dependencies, more than spool.max-dependency-depth (" + maxDepth + ")");
		}
		for (int i = 0; i < stages.size(); i++) {
			StageRequest stage = stages.get(i);
			if (stage == null) {
				throw new InvalidTaskException("stage " + (i + 1) + " is empty");
			}
			if (stage.agent() != null && stage.role() != null) {
				throw new InvalidTaskException("stage " + (i + 1) + " names both an agent and a role: give one");
			}
			if (stage.review() && transport == PipelineStage.Transport.FIFO && i < stages.size() - 1) {
				throw new InvalidTaskException("stage " + (i + 1) + " cannot be reviewed: in a fifo pipeline the next "
						+ "stage reads its answer while it is written, before anyone could approve it; review the last "
						+ "stage, or use \"files\"");
			}
			try {
				this.store.validate(newTask(stage, null, List.of()));
			}
			catch (PromptTooLargeException ex) {
				throw ex;
			}
			catch (InvalidTaskException ex) {
				throw new InvalidTaskException("stage " + (i + 1) + ": " + ex.getMessage());
			}
		}
		if (transport == PipelineStage.Transport.FIFO && !this.pipes.available()) {
			throw new InvalidTaskException("transport fifo needs named pipes (mkfifo on Linux), which this system "
					+ "does not have; use \"files\"");
		}
		String id = reserveId();
		List<TaskId> ids = this.store.reserve(stages.size());
		Task[] created = new Task[stages.size()];
		// Last stage first: every later stage waits for the one before it, so none may start before the first is
		// published, and the first is published once the whole pipeline exists.
		for (int i = stages.size() - 1; i >= 0; i--) {
			List<TaskId> dependsOn = (transport == PipelineStage.Transport.FILES && i > 0) ? List.of(ids.get(i - 1))
					: List.of();
			created[i] = this.store.create(ids.get(i),
					newTask(stages.get(i), new PipelineStage(id, i + 1, transport), dependsOn), ids);
		}
		return new Pipeline(id, transport, List.of(created));
	}

	private static NewTask newTask(StageRequest stage, PipelineStage where, List<TaskId> dependsOn) {
		return new NewTask(stage.prompt(), stage.title(), stage.agent(), stage.role(), null, 0, dependsOn, null, where,
				null).withReview(stage.review());
	}

	/** The pipeline as the task files tell it, or empty when no task names it. */
	public Optional<Pipeline> find(String id) {
		List<Task> stages = this.store.index()
			.queries()
			.pipeline(id)
			.stream()
			.sorted(Comparator.comparingInt((Task task) -> task.document().pipeline().stage()).thenComparing(Task::id))
			.toList();
		if (stages.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new Pipeline(id, stages.get(0).document().pipeline().transport(), stages));
	}

	/** The task that is a given stage of a pipeline, if there is one. */
	public static Optional<Task> stage(TaskIndex index, String pipeline, int stage) {
		return index.queries()
			.pipeline(pipeline)
			.stream()
			.filter((task) -> task.document().pipeline().stage() == stage)
			.findFirst();
	}

	/** What pipelines say of when a task may start, for the index: a fifo stage waits for the stage it reads from. */
	public static final StartRule START_RULE = new StartRule() {

		@Override
		public boolean ready(Task task, TaskIndex index) {
			return previousStageStarted(task, index);
		}

		@Override
		public Optional<Task> streamsFrom(Task task, TaskIndex index) {
			return Pipelines.streamsFrom(task, index);
		}

	};

	/**
	 * Whether a pending task may start as far as its pipeline is concerned: a fifo stage after the first reads the
	 * previous stage's answer as it is written, so it may start once that stage is in progress or done.
	 */
	public static boolean previousStageStarted(Task task, TaskIndex index) {
		PipelineStage where = task.document().pipeline();
		if (where == null || where.transport() != PipelineStage.Transport.FIFO || where.stage() == 1) {
			return true;
		}
		return streamsFrom(task, index)
			.map((previous) -> previous.state() == TaskState.IN_PROGRESS || previous.state() == TaskState.DONE)
			.orElse(false);
	}

	/** The stage a fifo stage after the first reads from; empty for any other task. */
	public static Optional<Task> streamsFrom(Task task, TaskIndex index) {
		PipelineStage where = task.document().pipeline();
		if (where == null || where.transport() != PipelineStage.Transport.FIFO || where.stage() == 1) {
			return Optional.empty();
		}
		return stage(index, where.pipeline(), where.stage() - 1);
	}

	private String reserveId() {
		Path folder = this.layout.root().resolve(".spool").resolve("pipelines");
		try {
			long from = Math.max(Files.isDirectory(folder) ? highestReserved(folder) : 0, highestInTasks()) + 1;
			return this.store.reserveName(folder, from, (number) -> String.format("pipeline_%03d", number));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not reserve a pipeline id: " + ex.getMessage(), ex);
		}
	}

	private static long highestReserved(Path folder) throws IOException {
		long highest = 0;
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "pipeline_*")) {
			for (Path path : stream) {
				highest = Math.max(highest, number(path.getFileName().toString()));
			}
		}
		return highest;
	}

	private long highestInTasks() {
		return this.store.index()
			.queries()
			.pipelines()
			.stream()
			.mapToLong(Pipelines::number)
			.max()
			.orElse(0);
	}

	private static long number(String id) {
		try {
			return PipelineStage.isPipelineId(id) ? Long.parseLong(id.substring("pipeline_".length())) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
