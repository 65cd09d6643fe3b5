package dev.spool.workspace;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A task file's content: optional YAML front matter, then the prompt as the body.
 *
 * @param title a short title, or null
 * @param agent the only agent that may take the task, or null for any
 * @param role the role an agent must list in its definition to take the task, or null for any
 * @param kind what the task asks for: an answer, or a plan for a goal
 * @param priority higher runs first
 * @param dependsOn tasks that must be done before this one starts
 * @param maxAttempts this task's own limit on attempts, or null for the configured one
 * @param createdAt when the task was created, or null when a hand-made file does not say
 * @param retryOf the task this one was made from with changes, or null
 * @param pipeline its place in a pipeline, or null
 * @param goal the goal whose plan it comes from, or null
 * @param budgetTokens the most tokens all its attempts together may use ({@code budget_tokens}), or null for no limit
 * @param parent the task that submitted this one as its subtask, or null
 * @param prompt the body
 * @param problem why the front matter could not be taken, in one line naming the field, or null when it could
 * @param review whether a person approves or rejects its answer ({@code review: true}) before it is done; a goal's
 * plan, for a goal
 */
public record TaskDocument(String title, String agent, String role, Kind kind, int priority, List<TaskId> dependsOn,
		Integer maxAttempts, Instant createdAt, TaskId retryOf, PipelineStage pipeline, GoalStep goal, Long budgetTokens,
		TaskId parent, String prompt, String problem, boolean review) {

	/** Roles as agent definitions list them: a word or a few, without line breaks. */
	private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}");

	/** The longest title a task may have, from the API or in a file. */
	public static final int MAX_TITLE_LENGTH = 500;

	private static final String FENCE = "---";

	/** Resolves plain scalars as YAML 1.1 readers do, to quote values that they would not read as text. */
	private static final Resolver RESOLVER = new Resolver();

	public TaskDocument {
		dependsOn = List.copyOf(dependsOn);
		kind = (kind != null) ? kind : Kind.TASK;
	}

	/** A task whose answer needs no review. */
	public TaskDocument(String title, String agent, String role, Kind kind, int priority, List<TaskId> dependsOn,
			Integer maxAttempts, Instant createdAt, TaskId retryOf, PipelineStage pipeline, GoalStep goal,
			Long budgetTokens, TaskId parent, String prompt, String problem) {
		this(title, agent, role, kind, priority, dependsOn, maxAttempts, createdAt, retryOf, pipeline, goal,
				budgetTokens, parent, prompt, problem, false);
	}

	/** A task that is no other task's subtask. */
	public TaskDocument(String title, String agent, String role, Kind kind, int priority, List<TaskId> dependsOn,
			Integer maxAttempts, Instant createdAt, TaskId retryOf, PipelineStage pipeline, GoalStep goal,
			Long budgetTokens, String prompt, String problem) {
		this(title, agent, role, kind, priority, dependsOn, maxAttempts, createdAt, retryOf, pipeline, goal,
				budgetTokens, null, prompt, problem);
	}

	/** A task without a token budget. */
	public TaskDocument(String title, String agent, String role, Kind kind, int priority, List<TaskId> dependsOn,
			Integer maxAttempts, Instant createdAt, TaskId retryOf, PipelineStage pipeline, GoalStep goal, String prompt,
			String problem) {
		this(title, agent, role, kind, priority, dependsOn, maxAttempts, createdAt, retryOf, pipeline, goal, null,
				prompt, problem);
	}

	/** A plain task: no role, no pipeline, no goal. */
	public TaskDocument(String title, String agent, int priority, List<TaskId> dependsOn, Integer maxAttempts,
			Instant createdAt, TaskId retryOf, String prompt, String problem) {
		this(title, agent, null, Kind.TASK, priority, dependsOn, maxAttempts, createdAt, retryOf, null, null, prompt,
				problem);
	}

	/** The same document with another prompt, such as the start of a long one. */
	public TaskDocument withPrompt(String newPrompt) {
		return new TaskDocument(this.title, this.agent, this.role, this.kind, this.priority, this.dependsOn,
				this.maxAttempts, this.createdAt, this.retryOf, this.pipeline, this.goal, this.budgetTokens, this.parent,
				newPrompt, this.problem, this.review);
	}

	/** Whether a text can be a role. */
	public static boolean isRole(String text) {
		return text != null && ROLE.matcher(text).matches();
	}

	public boolean isReadable() {
		return this.problem == null;
	}

	/** Reads a task file's text; any front matter it cannot take gives a document with a {@link #problem()}. */
	public static TaskDocument parse(String text) {
		FrontMatter front = FrontMatter.parse(text);
		if (front.problem() != null) {
			return broken(front.body(), front.problem());
		}
		try {
			String title = front.text("title");
			if (title != null && title.length() > MAX_TITLE_LENGTH) {
				return broken(front.body(), "title: is longer than " + MAX_TITLE_LENGTH + " characters");
			}
			Integer maxAttempts = front.wholeNumber("max_attempts");
			if (maxAttempts != null && maxAttempts < 1) {
				return broken(front.body(), "max_attempts: " + maxAttempts + " is less than 1");
			}
			Integer priority = front.wholeNumber("priority");
			Long budgetTokens = budgetTokens(front);
			Kind kind = front.value("kind", "task or goal", Kind::fromWord);
			return new TaskDocument(title, front.value("agent", "a valid agent name", TaskDocument::agentName),
					front.value("role", "a role (letters, digits, spaces, _ . -)", TaskDocument::role), kind,
					(priority != null) ? priority : 0, front.list("depends_on", "a task id", TaskDocument::id),
					maxAttempts, front.instant("created_at"), front.value("retry_of", "a task id", TaskDocument::id),
					pipelineStage(front), goalStep(front), budgetTokens, front.value("parent", "a task id", TaskDocument::id),
					front.body(), null, Boolean.TRUE.equals(front.bool("review")));
		}
		catch (FrontMatter.InvalidFrontMatterException ex) {
			return broken(front.body(), ex.getMessage());
		}
		catch (RuntimeException | StackOverflowError ex) {
			// Reading the fields only looks at parsed nodes, so anything thrown here changed nothing elsewhere.
			return broken(front.body(), "front matter cannot be read: " + ProblemText.describe(ex));
		}
	}

	private static Long budgetTokens(FrontMatter front) {
		Integer budget = front.wholeNumber("budget_tokens");
		if (budget != null && budget < 1) {
			throw new FrontMatter.InvalidFrontMatterException("budget_tokens: " + budget + " is less than 1");
		}
		return (budget != null) ? budget.longValue() : null;
	}

	private static PipelineStage pipelineStage(FrontMatter front) {
		String pipeline = front.value("pipeline", "a pipeline id such as pipeline_001",
				(text) -> Optional.of(text.strip()).filter(PipelineStage::isPipelineId));
		Integer stage = front.wholeNumber("stage");
		PipelineStage.Transport transport = front.value("transport", "files or fifo",
				(text) -> PipelineStage.Transport.fromWord(text.strip()));
		if (pipeline == null) {
			if (stage != null || transport != null) {
				throw new FrontMatter.InvalidFrontMatterException(
						((stage != null) ? "stage" : "transport") + ": is set without a pipeline");
			}
			return null;
		}
		if (stage == null || stage < 1) {
			throw new FrontMatter.InvalidFrontMatterException("stage: a pipeline's stage is a number from 1");
		}
		return new PipelineStage(pipeline, stage, (transport != null) ? transport : PipelineStage.Transport.FILES);
	}

	private static GoalStep goalStep(FrontMatter front) {
		TaskId goal = front.value("goal", "a task id", TaskDocument::id);
		String step = front.value("step", "a step number or final", GoalStep::parseStep);
		if ((goal == null) != (step == null)) {
			throw new FrontMatter.InvalidFrontMatterException(
					(goal == null) ? "step: is set without a goal" : "goal: is set without a step");
		}
		return (goal != null) ? new GoalStep(goal, step) : null;
	}

	private static Optional<String> role(String text) {
		return Optional.of(text).filter(TaskDocument::isRole);
	}

	private static Optional<String> agentName(String text) {
		return Optional.of(text).filter(AgentNames::isValid);
	}

	private static Optional<TaskId> id(String text) {
		return TaskId.parse(text.strip());
	}

	private static TaskDocument broken(String body, String problem) {
		return new TaskDocument(null, null, 0, List.of(), null, null, null, body.strip(), problem);
	}

	/** The file's text: front matter with only the fields that are set, then the prompt. */
	public String render() {
		StringBuilder out = new StringBuilder(FENCE).append('\n');
		field(out, "title", (this.title != null) ? quote(this.title) : null);
		field(out, "agent", (this.agent != null) ? plainIfText(this.agent) : null);
		field(out, "role", (this.role != null) ? plainIfText(this.role) : null);
		field(out, "kind", (this.kind != Kind.TASK) ? this.kind.word() : null);
		field(out, "priority", (this.priority != 0) ? String.valueOf(this.priority) : null);
		field(out, "depends_on", this.dependsOn.isEmpty() ? null
				: this.dependsOn.stream().map(TaskId::text).toList().toString());
		field(out, "max_attempts", (this.maxAttempts != null) ? this.maxAttempts.toString() : null);
		field(out, "budget_tokens", (this.budgetTokens != null) ? this.budgetTokens.toString() : null);
		field(out, "created_at", (this.createdAt != null) ? quote(this.createdAt.toString()) : null);
		field(out, "retry_of", (this.retryOf != null) ? this.retryOf.text() : null);
		field(out, "parent", (this.parent != null) ? this.parent.text() : null);
		field(out, "review", this.review ? "true" : null);
		if (this.pipeline != null) {
			field(out, "pipeline", this.pipeline.pipeline());
			field(out, "stage", String.valueOf(this.pipeline.stage()));
			field(out, "transport", this.pipeline.transport().word());
		}
		if (this.goal != null) {
			field(out, "goal", this.goal.goal().text());
			field(out, "step", this.goal.step());
		}
		return out.append(FENCE).append("\n\n").append(this.prompt).append('\n').toString();
	}

	private static void field(StringBuilder out, String name, String value) {
		if (value != null) {
			out.append(name).append(": ").append(value).append('\n');
		}
	}

	private static String plainIfText(String value) {
		return Tag.STR.equals(RESOLVER.resolve(NodeId.scalar, value, true)) ? value : quote(value);
	}

	/**
	 * A YAML double-quoted scalar, which is also how JSON writes a string. Characters YAML does not allow in a file,
	 * and those it takes as line breaks, are escaped.
	 */
	private static String quote(String value) {
		StringBuilder out = new StringBuilder("\"");
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\uFEFF'
							|| c >= '\uFFFE' || (Character.isSurrogate(c) && !pairedSurrogate(value, i))) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.append('"').toString();
	}

	private static boolean pairedSurrogate(String value, int i) {
		char c = value.charAt(i);
		return Character.isHighSurrogate(c) ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
				: i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
	}

	/** What a task asks of the agent that takes it. */
	public enum Kind {

		/** An answer to its prompt. */
		TASK,
		/** A plan that splits its prompt, a goal, into steps, made by the orchestrator. */
		GOAL;

		public String word() {
			return name().toLowerCase(Locale.ROOT);
		}

		static Optional<Kind> fromWord(String word) {
			String wanted = word.strip();
			for (Kind kind : values()) {
				if (kind.word().equals(wanted)) {
					return Optional.of(kind);
				}
			}
			return Optional.empty();
		}

	}

}
