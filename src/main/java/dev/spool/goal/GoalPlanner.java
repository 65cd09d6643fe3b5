package dev.spool.goal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.agent.AgentCatalog;
import dev.spool.agent.AgentDefinition;
import dev.spool.agent.Outcome;
import dev.spool.agent.ToolConversations;
import dev.spool.tools.SpoolTools;
import dev.spool.budget.Budgets;
import dev.spool.model.ModelErrors;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelRequest;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.Answer;
import dev.spool.workspace.Attempt;
import dev.spool.workspace.Claim;
import dev.spool.workspace.GoalStep;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.Rejection;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;
import dev.spool.workspace.TokenUsage;

import org.springframework.ai.converter.BeanOutputConverter;

/**
 * One pass of the orchestrator over a goal it has claimed. A goal without a plan gets one from the model, published
 * once in {@code .spool/plans/}; then every step without a task gets one, and the final task last, so a pass that
 * crashed part-way is finished by the next without duplicates; then the goal goes back to pending, uncounted, until
 * its final task ends. A goal whose final task has ended is completed with its output, or failed. Each call for a plan
 * is held to the budgets as an agent's attempt is, and leaves a {@code PLANNED} record of the tokens it used.
 */
final class GoalPlanner {

	private static final Log logger = LogFactory.getLog(GoalPlanner.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final String INSTRUCTIONS = """
			Split the goal into steps. Each step is a task for one agent, with a prompt that can be done from its text \
			alone and the results of the steps it depends on, which it will be given. Number the steps from 1 in the \
			order listed; a step may depend only on other steps of the plan, never in a cycle. Name an agent or a role \
			only when the step needs it. After the steps, a final task combines their results into the answer.""";

	static final String ITERATE_INSTRUCTIONS = """
			Work the goal through steps that Spool's agents do. Submit each step with submit_step: a task for one \
			agent, with a prompt that can be done from its text alone and the answers of the steps it depends on, \
			which it is given. Wait for steps with wait_task (several calls in one turn wait together), read their \
			answers, and submit more steps, or redo one with a better prompt, when an answer falls short. When the \
			answers are enough, write the complete answer to the goal yourself as your last message, calling no tool: \
			that message is the goal's result. Answer the goal itself; do not describe the steps.""";

	static final String FINAL_PROMPT = """
			Combine the results of the steps this task depends on, given with it, into one complete answer to the goal \
			below. Answer the goal itself; do not describe the steps.

			Goal:
			""";

	/** How a refused plan's reason says where its answer is kept; what comes before it is the reason itself. */
	private static final String KEPT_IN = " (the answer is kept in ";

	/** How much of a refused answer the model is shown again when it repairs its plan. */
	private static final int MAX_REFUSED_CHARS = 16 * 1024;

	private final TaskStore store;

	private final GoalPlans plans;

	private final AgentCatalog catalog;

	private final ModelGateway model;

	private final int maxSteps;

	private final Budgets budgets;

	private final Clock clock;

	private final ToolConversations conversations;

	private final SpoolTools tools;

	/** Refused answers already reported as unreadable, so that each is logged once however often it is asked for. */
	private final Set<String> unreadableRefusals = ConcurrentHashMap.newKeySet();

	GoalPlanner(TaskStore store, GoalPlans plans, AgentCatalog catalog, ModelGateway model, int maxSteps,
			Budgets budgets, Clock clock, ToolConversations conversations, SpoolTools tools) {
		this.conversations = conversations;
		this.tools = tools;
		this.store = store;
		this.plans = plans;
		this.catalog = catalog;
		this.model = model;
		this.maxSteps = maxSteps;
		this.budgets = budgets;
		this.clock = clock;
	}

	/**
	 * Why a goal should not be claimed now, or empty when it may be: it still needs a call for its plan and a daily
	 * budget (the workspace's, or the orchestrator's as far as its role was last read) is spent.
	 */
	Optional<String> waitsForBudget(Task goal) {
		if (GoalRule.finalTask(goal.id(), this.store.index()).isPresent() || this.plans.isPublished(goal.id())) {
			return Optional.empty();
		}
		return this.budgets.dailyRefusal(goal, GoalRule.ORCHESTRATOR);
	}

	/** Works on a claimed goal until it is released, completed or failed. */
	public void work(Claim claim) {
		Task goal = this.store.index().find(claim.id()).orElse(null);
		if (goal == null) {
			return;
		}
		Optional<Task> last = GoalRule.finalTask(goal.id(), this.store.index());
		if (last.isPresent()) {
			finish(claim, last.get());
			return;
		}
		if (iterates(goal, this.catalog.orchestrator().orElse(null))) {
			iterate(claim, goal);
			return;
		}
		planOnce(claim, goal);
	}

	/**
	 * Whether the goal is worked as a conversation with tools: it has one already, or the orchestrator's definition
	 * lists {@code tools: [spool]}, the model is a real one (the offline model calls no tools, and plans once), and the
	 * goal has no plan yet.
	 */
	private boolean iterates(Task goal, AgentDefinition role) {
		if (goal.document().review()) {
			// A person approves the plan before any step is submitted, so there must be a plan first.
			return false;
		}
		return this.conversations.exists(goal.id()) || (role != null
				&& role.tools().contains(AgentDefinition.SPOOL_TOOLS) && !this.model.info().offline()
				&& !this.plans.isPublished(goal.id()));
	}

	/**
	 * One turn of the conversation in which the orchestrator works a goal: it submits steps, waits for them (the goal
	 * is put aside meanwhile, holding nothing), reads their answers, submits more or redoes one, and writes the answer,
	 * which is the goal's result. A model whose endpoint refuses tools before the conversation began gets the goal
	 * planned once instead, in the same pass.
	 */
	private void iterate(Claim claim, Task goal) {
		AgentDefinition role = this.catalog.orchestrator().orElse(null);
		if (heldByBudget(claim, goal, role)) {
			return;
		}
		String prompt = this.store.readPrompt(goal.id());
		String system = ((role != null) ? role.systemPrompt().strip() + "\n\n" : "") + ITERATE_INSTRUCTIONS + agents();
		ModelRequest question = new ModelRequest(system, prompt, (role != null) ? role.model() : null,
				(role != null) ? role.temperature() : null);
		Outcome outcome;
		try {
			outcome = this.conversations.converse(goal.id(), question, prompt,
					this.tools.forGoal(goal.id(), this.maxSteps), (piece) -> {
					});
		}
		catch (InterruptedException ex) {
			this.store.release(claim);
			Thread.currentThread().interrupt();
			return;
		}
		if (outcome instanceof Outcome.Failed && outcome.tokens() == null) {
			// The call failed before the model said what it used: what was sent is counted, as for a plan's call.
			outcome = outcome.withTokens(TokenUsage.estimate(system.length() + prompt.length(), 0));
		}
		if (outcome instanceof Outcome.Failed failed && !this.conversations.exists(goal.id())
				&& refusesTools(failed.reason())) {
			logger.info("The orchestrator's model takes no tools (" + failed.reason() + "); " + goal.id()
					+ " is planned once instead");
			this.store.planned(claim, claim.startedAt(), question.model(), false, failed.tokens());
			planOnce(claim, goal);
			return;
		}
		ended(claim, outcome);
	}

	/** An endpoint's refusal of a request with tools, as Ollama, vLLM and llama.cpp word it for a model without. */
	static boolean refusesTools(String reason) {
		String words = reason.toLowerCase(Locale.ROOT);
		return words.contains("tool") && (words.contains("not support") || words.contains("requires")
				|| words.contains("unsupported") || words.contains("not enabled"));
	}

	private void ended(Claim claim, Outcome outcome) {
		if (outcome instanceof Outcome.Answered answered) {
			if (this.store.complete(claim, answered.answer())) {
				logger.info("Goal " + claim.id() + " is done: the orchestrator answered it");
			}
		}
		else if (outcome instanceof Outcome.Waiting waiting) {
			this.store.putAside(claim, waiting.tasks(), waiting.tokens());
		}
		else if (outcome instanceof Outcome.GaveUp gaveUp) {
			if (this.store.giveUp(claim, gaveUp.reason(), gaveUp.tokens())) {
				logger.warn("Goal " + claim.id() + " failed: " + gaveUp.reason());
			}
		}
		else if (outcome instanceof Outcome.Failed failed) {
			Optional<TaskState> next = this.store.fail(claim, failed.reason(), failed.tokens());
			logger.warn("Working on " + claim.id() + " failed: " + failed.reason()
					+ next.map((state) -> "; it is now " + state.word()).orElse("; its claim was already lost"));
		}
		else {
			this.store.release(claim);
		}
	}

	/** Plans the goal once: its plan from the model, then a task for every step and a final task that combines them. */
	private void planOnce(Claim claim, Task goal) {
		try {
			boolean review = goal.document().review();
			if (review) {
				declineRejected(goal);
			}
			Plan plan = plan(claim, goal);
			if (plan == null) {
				// Held for a budget: handed back or failed already.
				return;
			}
			if (review && !this.store.approvedLast(goal.id())) {
				// The plan is the answer a person reviews: the goal waits in review, and no step exists yet.
				if (this.store.complete(claim, new Answer(plan.forReview(), null, false, null), true)) {
					logger.info("Goal " + goal.id() + " is planned; its plan waits for a person's approval");
				}
				return;
			}
			if (createTasks(claim, goal, plan) && this.store.release(claim)) {
				logger.info("Goal " + goal.id() + " is planned; it waits for its final task");
			}
		}
		catch (KeptPlanRefusedException ex) {
			// Another attempt would read the same file: the goal fails now, saying how to plan it again.
			if (this.store.giveUp(claim, ex.getMessage())) {
				logger.warn("Goal " + claim.id() + " failed: " + ex.getMessage());
			}
		}
		catch (PlanRefusedException ex) {
			failed(claim, ex.getMessage());
		}
		catch (IOException ex) {
			failed(claim, "the plan could not be kept: " + ProblemText.describe(ex));
		}
		catch (UncheckedIOException ex) {
			failed(claim, "a step's task could not be written: " + ProblemText.describe(ex.getCause()));
		}
		catch (RuntimeException ex) {
			failed(claim, ModelErrors.describe(ex));
		}
	}

	/** Moves aside the kept plan a person rejected, so that the goal is planned again with the reviewer's note. */
	private void declineRejected(Task goal) throws IOException {
		Optional<Rejection> rejection = this.store.lastRejection(goal.id());
		Optional<String> kept = readKept(goal);
		if (rejection.isEmpty() || kept.isEmpty() || rejection.get().answer() == null) {
			return;
		}
		Plan plan = checkedKept(goal, kept.get());
		if (plan.forReview().strip().equals(rejection.get().answer().strip()) && this.plans.decline(goal.id())) {
			logger.info("Goal " + goal.id() + ": its plan was rejected by " + rejection.get().by()
					+ "; it is planned again with the note");
		}
	}

	private void failed(Claim claim, String error) {
		Optional<TaskState> next = this.store.fail(claim, error);
		logger.warn("Planning " + claim.id() + " failed: " + error
				+ next.map((state) -> "; it is now " + state.word()).orElse("; its claim was already lost"));
	}

	/**
	 * The goal's plan: the one already published, or a new one from the model, checked, then published; null when a
	 * budget held the call back (the goal was handed back or failed).
	 */
	private Plan plan(Claim claim, Task goal) throws IOException {
		Optional<String> kept = readKept(goal);
		if (kept.isPresent()) {
			return checkedKept(goal, kept.get());
		}
		AgentDefinition role = this.catalog.orchestrator().orElse(null);
		if (heldByBudget(claim, goal, role)) {
			return null;
		}
		String prompt = this.store.readPrompt(goal.id()) + repairNote(goal) + (goal.document().review()
				? this.store.lastRejection(goal.id()).map((rejection) -> "\n\n" + rejection.promptSection()).orElse("")
				: "");
		String system = ((role != null) ? role.systemPrompt().strip() + "\n\n" : "") + INSTRUCTIONS + agents();
		Answer answer = call(claim, new ModelRequest(system, prompt + "\n\n" + PlanFormat.CONVERTER.getFormat(),
				(role != null) ? role.model() : null, (role != null) ? role.temperature() : null));
		Plan plan;
		try {
			plan = PlanFormat.CONVERTER.convert(answer.text());
		}
		catch (RuntimeException ex) {
			throw refused(goal, answer.text(), "the model's answer is not a plan in JSON");
		}
		if (plan == null) {
			throw refused(goal, answer.text(), "the model's answer is not a plan in JSON");
		}
		try {
			checked(plan);
		}
		catch (PlanRefusedException ex) {
			throw refused(goal, answer.text(), ex.getMessage());
		}
		String published = this.plans.publishOnce(goal.id(), JSON.writeValueAsString(plan));
		// Another process may have published first: what counts is checked like any kept plan.
		return checkedKept(goal, published);
	}

	private Optional<String> readKept(Task goal) throws IOException {
		try {
			return this.plans.read(goal.id());
		}
		catch (SharedFile.RefusedFileException | GoalPlans.PlanTooLargeException ex) {
			throw new KeptPlanRefusedException(goal.id(), ProblemText.describe(ex));
		}
	}

	/**
	 * A plan read from {@code .spool/plans/}, which anyone who may write that folder (or an older Spool) may have
	 * left there, checked as the model's plans are: the same limit of steps, the same rules.
	 */
	private Plan checkedKept(Task goal, String json) {
		Plan plan;
		try {
			plan = JSON.readValue(json, Plan.class);
		}
		catch (JacksonException ex) {
			plan = null;
		}
		if (plan == null) {
			throw new KeptPlanRefusedException(goal.id(), "it is not a plan in JSON");
		}
		try {
			checked(plan);
		}
		catch (PlanRefusedException ex) {
			throw new KeptPlanRefusedException(goal.id(), ex.getMessage());
		}
		return plan;
	}

	/**
	 * Refuses a plan with too many steps, or whose final task would depend on a chain longer than a new task may:
	 * every task is written only after the whole plan passed.
	 */
	private void checked(Plan plan) {
		plan.checkedOrder(this.maxSteps);
		int maxDepth = this.store.index().maxDependencyDepth();
		if (plan.longestChain() > maxDepth) {
			throw new PlanRefusedException("the plan chains " + plan.longestChain() + " steps, each depending on the "
					+ "next, and its final task would depend on a chain deeper than " + maxDepth
					+ " (spool.max-dependency-depth)");
		}
	}

	/**
	 * Before a call for a plan: a spent daily budget (the workspace's or the orchestrator's) hands the goal back to
	 * pending, uncounted, to wait as a task does; a goal that spent its own {@code budget_tokens} fails, since no
	 * call could plan it within it.
	 * @return true when the goal was handed back or failed, so no call is made
	 */
	private boolean heldByBudget(Claim claim, Task goal, AgentDefinition role) {
		this.budgets.limitAgent(GoalRule.ORCHESTRATOR, (role != null) ? role.budgetDailyTokens() : null);
		Optional<String> daily = this.budgets.dailyRefusal(goal, GoalRule.ORCHESTRATOR);
		if (daily.isPresent()) {
			if (this.store.release(claim)) {
				logger.info("Goal " + goal.id() + " waits for budget: " + daily.get());
			}
			return true;
		}
		Optional<String> own = this.budgets.ownRefusal(goal);
		if (own.isPresent()) {
			if (this.store.giveUp(claim, own.get())) {
				logger.warn("Goal " + goal.id() + " failed: " + own.get());
			}
			return true;
		}
		return false;
	}

	/**
	 * Asks the model for a plan and records what the call used, as reported or, where the model did not say or the
	 * call failed, estimated from the characters sent and received.
	 */
	private Answer call(Claim claim, ModelRequest request) {
		long sent = request.systemPrompt().length() + request.userPrompt().length();
		Instant started = this.clock.instant();
		Answer answer;
		try {
			answer = this.model.call(request);
		}
		catch (RuntimeException ex) {
			String model = (request.model() != null) ? request.model() : this.model.info().defaultModel();
			this.store.planned(claim, started, model, this.model.info().offline(), TokenUsage.estimate(sent, 0));
			throw ex;
		}
		TokenUsage tokens = (answer.tokens() != null) ? answer.tokens()
				: TokenUsage.estimate(sent, answer.text().length());
		this.store.planned(claim, started, answer.model(), answer.offline(), tokens);
		return answer;
	}

	private PlanRefusedException refused(Task goal, String answer, String reason) throws IOException {
		String where = this.plans.keepRejected(goal.id(), goal.attempts(), answer);
		return new PlanRefusedException(reason + KEPT_IN + where + ")");
	}

	/**
	 * When the goal's last attempt ended with its plan refused: that plan and why, so that the model repairs it
	 * rather than being asked the same question again. Empty otherwise.
	 */
	private String repairNote(Task goal) {
		// Refused answers are kept under the attempt's ordinal among the goal's attempts, as attempts() counts them.
		Attempt last = null;
		int ordinal = 0;
		for (Attempt entry : goal.history()) {
			if (entry.outcome().isAttempt()) {
				ordinal++;
				last = entry;
			}
			else if (entry.outcome() == Attempt.Outcome.RETRIED) {
				last = null;
			}
		}
		if (last == null || last.outcome() != Attempt.Outcome.ERROR || last.error() == null
				|| !last.error().contains(KEPT_IN)) {
			return "";
		}
		String reason = last.error().substring(0, last.error().lastIndexOf(KEPT_IN));
		String refused = "\n\nYour previous answer for this goal was refused as a plan: " + reason
				+ ". Send a corrected plan.";
		String answer;
		try {
			answer = this.plans.readRejected(goal.id(), ordinal);
		}
		catch (IOException ex) {
			String why = ProblemText.describe(ex);
			if (this.unreadableRefusals.add(goal.id().text() + "." + ordinal)) {
				logger.warn("The answer refused as " + goal.id() + "'s plan at attempt " + ordinal
						+ " could not be read, so the model is asked again without it: " + why);
			}
			return refused + " The refused answer could not be read (" + why + "), so it is not repeated here.";
		}
		String shown = (answer.length() > MAX_REFUSED_CHARS)
				? answer.substring(0, MAX_REFUSED_CHARS) + "\n[cut: the answer was longer]" : answer;
		return refused + " The refused answer was:\n\n" + shown;
	}

	/** The agents and roles a plan may name, for the model. */
	private String agents() {
		String listed = this.catalog.all()
			.stream()
			.map((agent) -> agent.name() + (agent.roles().isEmpty() ? "" : " (roles: " + String.join(", ", agent.roles())
					+ ")"))
			.collect(Collectors.joining("; "));
		return listed.isEmpty() ? "" : "\n\nAgents: " + listed + ".";
	}

	/**
	 * Creates the task of every step that has none, in an order that puts each after those it depends on, then the
	 * final task. Looks each up first, so a second pass over a goal finds what the first made.
	 * @return false when the claim was lost on the way
	 */
	private boolean createTasks(Claim claim, Task goal, Plan plan) {
		Map<Integer, TaskId> ids = new HashMap<>();
		for (int number : plan.checkedOrder(this.maxSteps)) {
			Plan.Step step = plan.steps().get(number - 1);
			Optional<Task> existing = GoalRule.step(goal.id(), String.valueOf(number), this.store.index());
			if (existing.isPresent()) {
				ids.put(number, existing.get().id());
				continue;
			}
			if (!this.store.heartbeat(claim)) {
				return false;
			}
			List<TaskId> dependsOn = step.dependencies().stream().map(ids::get).toList();
			Task created = this.store.create(new NewTask(step.prompt().strip(), title(goal, step, number),
					knownAgent(step.agent()), knownRole(step.role()), TaskDocument.Kind.TASK,
					goal.document().priority(), dependsOn, null, null, new GoalStep(goal.id(), String.valueOf(number))));
			ids.put(number, created.id());
		}
		if (!this.store.heartbeat(claim)) {
			return false;
		}
		List<TaskId> all = new ArrayList<>();
		for (int number = 1; number <= plan.steps().size(); number++) {
			all.add(ids.get(number));
		}
		String goalTitle = (goal.title() != null) ? goal.title() : goal.id().text();
		this.store.create(new NewTask(FINAL_PROMPT + this.store.readPrompt(goal.id()), cut(goalTitle + ": final answer"),
				null, null, TaskDocument.Kind.TASK, goal.document().priority(), all, null, null,
				new GoalStep(goal.id(), GoalStep.FINAL)));
		return true;
	}

	private static String title(Task goal, Plan.Step step, int number) {
		String goalTitle = (goal.title() != null) ? goal.title() : goal.id().text();
		String own = (step.title() != null && !step.title().isBlank()) ? ": " + step.title().strip() : "";
		return cut(goalTitle + ", step " + number + own);
	}

	private static String cut(String title) {
		String line = title.replaceAll("\\s+", " ");
		return (line.length() > TaskDocument.MAX_TITLE_LENGTH) ? line.substring(0, TaskDocument.MAX_TITLE_LENGTH)
				: line;
	}

	/** An agent the plan names, if it is defined; any agent otherwise. */
	private String knownAgent(String agent) {
		if (agent == null || !AgentNames.isValid(agent.strip()) || this.catalog.find(agent.strip()).isEmpty()) {
			return null;
		}
		return agent.strip();
	}

	/**
	 * A role the plan names, if some agent lists it, compared as agents compare it ({@link Task#listsRole}); any agent
	 * otherwise.
	 */
	private String knownRole(String role) {
		if (role == null || !TaskDocument.isRole(role.strip())) {
			return null;
		}
		String wanted = role.strip();
		boolean listed = this.catalog.all().stream().anyMatch((agent) -> Task.listsRole(agent.roles(), wanted));
		return listed ? wanted : null;
	}

	/** The goal's final task has ended: its output is the goal's result, or its failure the goal's. */
	private void finish(Claim claim, Task last) {
		if (last.state() == TaskState.DONE) {
			Optional<String> output = this.store.readOutput(last.id());
			if (output.isEmpty()) {
				// Committed but its output not linked yet; the next pass finds it.
				this.store.release(claim);
				return;
			}
			Attempt done = last.lastDone();
			this.store.complete(claim, new Answer(output.get(), (done != null) ? done.model() : null,
					done != null && Boolean.TRUE.equals(done.offline()), null));
			return;
		}
		if (last.state() == TaskState.FAILED || last.state() == TaskState.CANCELLED) {
			String why = (last.error() != null) ? ": " + last.error() : "";
			this.store.giveUp(claim, "its final task " + last.id() + " " + last.state().word() + why);
			return;
		}
		this.store.release(claim);
	}

	/** A plan in {@code .spool/plans/} that cannot be carried out; planning again needs a person to remove it. */
	static final class KeptPlanRefusedException extends PlanRefusedException {

		KeptPlanRefusedException(TaskId goal, String reason) {
			super("the plan kept in .spool/plans/" + goal.text() + ".json is refused: " + reason
					+ "; remove that file and retry the goal to plan it again");
		}

	}

	/**
	 * The plan's JSON format, made at the first plan rather than with Spool: building it generates a JSON schema, which
	 * loads a schema generator and its Jackson, seconds of a start on a small machine for a feature not every run uses.
	 */
	private static final class PlanFormat {

		static final BeanOutputConverter<Plan> CONVERTER = new BeanOutputConverter<>(Plan.class);

	}

}
