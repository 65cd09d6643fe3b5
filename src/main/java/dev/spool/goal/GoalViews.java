package dev.spool.goal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.GoalStep;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

/** Reads goals from the files for the API and the dashboard. */
public final class GoalViews {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final TaskStore store;

	private final GoalPlans plans;

	GoalViews(TaskStore store, GoalPlans plans) {
		this.store = store;
		this.plans = plans;
	}

	/** The goal with this id, or empty when there is no such task or it is not a goal. */
	public Optional<GoalView> find(TaskId id) {
		Optional<Task> found = this.store.index().find(id);
		if (found.isEmpty() || found.get().document().kind() != TaskDocument.Kind.GOAL) {
			return Optional.empty();
		}
		Task goal = found.get();
		Plan plan = readPlan(id);
		List<GoalView.Step> steps = new ArrayList<>();
		if (plan != null) {
			for (int number = 1; number <= plan.steps().size(); number++) {
				String step = String.valueOf(number);
				steps.add(step(step, plan.steps().get(number - 1).prompt(),
						GoalRule.step(id, step, this.store.index()).orElse(null)));
			}
		}
		else {
			// Worked as a conversation: the steps are the tasks the orchestrator submitted, in the order it did.
			this.store.index()
				.queries()
				.children(id)
				.stream()
				.filter((task) -> task.document().goal() != null && task.document().goal().goal().equals(id)
						&& !GoalStep.FINAL.equals(task.document().goal().step()))
				.sorted(Comparator.comparing(Task::id))
				.forEach((task) -> steps.add(step(task.document().goal().step(), task.document().prompt(), task)));
		}
		GoalView.Step last = GoalRule.finalTask(id, this.store.index())
			.map((task) -> step(GoalStep.FINAL, null, task))
			.orElse(null);
		String result = (goal.state() == TaskState.DONE) ? this.store.readOutput(id).orElse(null) : null;
		return Optional.of(new GoalView(id.text(), goal.title(), goal.state().word(), this.store.readPrompt(id),
				plan != null || !steps.isEmpty(), steps, last, result, goal.error()));
	}

	private static GoalView.Step step(String step, String prompt, Task task) {
		if (task == null) {
			return new GoalView.Step(step, prompt, null, null, null, null, null, List.of());
		}
		return new GoalView.Step(step, prompt, task.id().text(), task.state().word(), task.title(),
				task.document().agent(), task.document().role(), task.dependsOn().stream().map(TaskId::text).toList());
	}

	/** The goal's kept plan, or null when it has none or one the planner refuses too (the goal's error says why). */
	private Plan readPlan(TaskId id) {
		try {
			return this.plans.read(id).map((json) -> JSON.readValue(json, Plan.class)).orElse(null);
		}
		catch (SharedFile.RefusedFileException | GoalPlans.PlanTooLargeException | JacksonException ex) {
			return null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
