package dev.spool.workspace;

import java.util.Optional;

/**
 * A task made from a goal's plan: front matter {@code goal: task_010} and {@code step: 2}, or {@code step: final} for
 * the task that combines the steps' outputs into the goal's answer.
 *
 * @param goal the goal task whose plan this step comes from
 * @param step the step's number in the plan, from 1, or {@link #FINAL}
 */
public record GoalStep(TaskId goal, String step) {

	/** The step that combines the others' outputs. */
	public static final String FINAL = "final";

	public GoalStep {
		if (goal == null || parseStep(step).isEmpty()) {
			throw new IllegalArgumentException("not a goal step: " + goal + " step " + step);
		}
	}

	public boolean isFinal() {
		return FINAL.equals(this.step);
	}

	/** A step as written in front matter: a number from 1, or {@code final}. */
	public static Optional<String> parseStep(String text) {
		if (text == null) {
			return Optional.empty();
		}
		String step = text.strip();
		if (FINAL.equals(step) || step.matches("[1-9][0-9]{0,5}")) {
			return Optional.of(step);
		}
		return Optional.empty();
	}

}
