package dev.spool.goal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The orchestrator's plan for a goal, as the model returns it (Spring AI structured output) and as it is kept in
 * {@code .spool/plans/<goal id>.json}. It comes from a model, so it is checked before anything is made from it.
 *
 * @param steps the steps, numbered from 1 in this order
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Plan(@JsonPropertyDescription("the steps, numbered from 1 in this order") List<Step> steps) {

	public Plan {
		steps = (steps != null) ? Collections.unmodifiableList(new ArrayList<>(steps)) : List.of();
	}

	/**
	 * The steps in an order that puts every step after those it depends on: step numbers from 1.
	 * @throws PlanRefusedException if the plan has no steps, too many, a step without a prompt, a dependency on a
	 * step that does not exist, or a cycle
	 */
	public List<Integer> checkedOrder(int maxSteps) {
		if (this.steps.isEmpty()) {
			throw new PlanRefusedException("the plan has no steps");
		}
		if (this.steps.size() > maxSteps) {
			throw new PlanRefusedException("the plan has " + this.steps.size() + " steps, more than the limit of "
					+ maxSteps + " (spool.max-plan-steps)");
		}
		for (int number = 1; number <= this.steps.size(); number++) {
			Step step = this.steps.get(number - 1);
			if (step == null || step.prompt() == null || step.prompt().isBlank()) {
				throw new PlanRefusedException("step " + number + " has no prompt");
			}
			for (Integer dependency : step.dependencies()) {
				if (dependency == null || dependency < 1 || dependency > this.steps.size()) {
					throw new PlanRefusedException("step " + number + " depends on step " + dependency
							+ ", which does not exist");
				}
			}
		}
		return order();
	}

	/**
	 * How many steps the longest chain of the plan has, each depending on the next (1 when no step depends on
	 * another). Call on a plan {@link #checkedOrder(int)} accepted.
	 */
	public int longestChain() {
		int[] chain = new int[this.steps.size() + 1];
		int longest = 0;
		for (int number : order()) {
			for (Integer dependency : this.steps.get(number - 1).dependencies()) {
				chain[number] = Math.max(chain[number], chain[dependency]);
			}
			chain[number]++;
			longest = Math.max(longest, chain[number]);
		}
		return longest;
	}

	/**
	 * Depth first, on a stack of its own: a step met again while its own dependencies are being visited closes a
	 * cycle.
	 */
	private List<Integer> order() {
		List<Integer> order = new ArrayList<>();
		int[] marks = new int[this.steps.size() + 1];
		int[] next = new int[this.steps.size() + 1];
		Deque<Integer> path = new ArrayDeque<>();
		for (int first = 1; first <= this.steps.size(); first++) {
			if (marks[first] != 0) {
				continue;
			}
			marks[first] = 1;
			path.push(first);
			while (!path.isEmpty()) {
				int number = path.peek();
				List<Integer> dependencies = this.steps.get(number - 1).dependencies();
				if (next[number] == dependencies.size()) {
					path.pop();
					marks[number] = 2;
					order.add(number);
					continue;
				}
				int dependency = dependencies.get(next[number]++);
				if (marks[dependency] == 1) {
					throw new PlanRefusedException("the plan's dependencies form a cycle through step " + dependency);
				}
				if (marks[dependency] == 0) {
					marks[dependency] = 1;
					path.push(dependency);
				}
			}
		}
		return order;
	}

	/**
	 * The plan as a person reviewing it reads it: each step numbered, with who takes it and what it needs, then its
	 * prompt. A plan proposed again is compared with a rejected one by this text.
	 */
	public String forReview() {
		StringBuilder text = new StringBuilder("Proposed plan: approve to submit its steps, or reject it with a note to "
				+ "have it planned again.\n");
		for (int i = 0; i < this.steps.size(); i++) {
			Step step = this.steps.get(i);
			text.append("\n").append(i + 1).append(". ");
			if (step.title() != null && !step.title().isBlank()) {
				text.append("**").append(step.title().strip()).append("**");
			}
			String who = (step.agent() != null) ? "agent " + step.agent() : (step.role() != null) ? "role " + step.role()
					: "any agent";
			text.append(" (").append(who);
			if (!step.dependencies().isEmpty()) {
				text.append("; after steps ").append(step.dependencies().stream().map(String::valueOf)
					.reduce((a, b) -> a + ", " + b).orElse(""));
			}
			text.append(")\n\n   ").append(step.prompt().strip().replace("\n", "\n   ")).append('\n');
		}
		return text.toString();
	}

	/**
	 * One step of a plan.
	 *
	 * @param title a short title, or null
	 * @param prompt what the agent that takes the step is asked, on its own
	 * @param agent the agent that should take it, or null for any
	 * @param role the role an agent should have to take it, or null for any
	 * @param dependsOn the numbers of the steps whose outputs it needs
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Step(@JsonPropertyDescription("a short title") String title,
			@JsonPropertyDescription("the task for one agent, complete on its own") String prompt,
			@JsonPropertyDescription("the agent that should do it, or null for any") String agent,
			@JsonPropertyDescription("the role the agent should have, or null for any") String role,
			@JsonPropertyDescription("numbers (from 1) of the steps whose results it needs") List<Integer> dependsOn) {

		public List<Integer> dependencies() {
			return (this.dependsOn != null) ? this.dependsOn : List.of();
		}

	}

}
