package dev.spool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.spool.ModelReply;
import dev.spool.ModelStub;
import dev.spool.SpoolApplication;
import dev.spool.budget.Budgets;
import dev.spool.archive.Archive;
import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static dev.spool.workspace.TaskBuilder.aGoal;

/**
 * The workspace's daily budget ({@code spool.budget.daily-tokens}) is counted from the attempt records, archived ones
 * included, so a Spool started again on the same workspace finds it spent and starts nothing more today, goal planning
 * included.
 */
class BudgetRestartTests {

	static final Duration PATIENCE = Duration.ofSeconds(30);

	Path workspace;

	ModelStub endpoint;

	@BeforeEach
	void start() throws IOException {
		this.workspace = Files.createTempDirectory("spool-budget-restart-");
		this.endpoint = ModelEndpointTests.modelFor(this.workspace, "other");
	}

	@AfterEach
	void stop() throws IOException {
		this.endpoint.close();
	}

	@Test
	void aSpentWorkspaceBudgetHoldsAcrossARestart() {
		this.endpoint.reply(ModelReply.text("Blue.").usage(70, 50));
		try (ConfigurableApplicationContext first = spool()) {
			TaskStore store = first.getBean(TaskStore.class);
			TaskId id = store.create(NewTask.of("What colour is the sky?")).id();
			Task done = await().atMost(PATIENCE).until(() -> store.index().find(id).orElse(null),
					(task) -> task != null && task.state() == TaskState.DONE && task.lastDone() != null);
			assertThat(done.lastDone().tokens().total()).isEqualTo(120);
		}

		try (ConfigurableApplicationContext second = spool()) {
			TaskStore store = second.getBean(TaskStore.class);
			Budgets budgets = second.getBean(Budgets.class);
			assertThat(budgets.today().total()).as("today's tokens, read again from the records").isEqualTo(120);
			TaskId id = store.create(NewTask.of("What colour is grass?")).id();

			String reason = await().atMost(PATIENCE)
				.until(() -> budgets.waiting(store.index().find(id).orElseThrow()).orElse(null),
						(why) -> why != null);

			assertThat(reason)
				.isEqualTo("budget: the workspace spent 120 of 100 tokens today (spool.budget.daily-tokens)");
			assertThat(store.index().find(id).orElseThrow().state()).isEqualTo(TaskState.PENDING);
			assertThat(this.endpoint.requestCount()).as("only the first task reached the model").isEqualTo(1);
		}
	}

	@Test
	void aSpentWorkspaceBudgetHoldsAfterItsTasksAreArchivedAndSpoolRestarts() {
		this.endpoint.reply(ModelReply.text("Blue.").usage(70, 50));
		try (ConfigurableApplicationContext first = spool()) {
			TaskStore store = first.getBean(TaskStore.class);
			TaskId id = store.create(NewTask.of("What colour is the sky?")).id();
			await().atMost(PATIENCE).until(() -> store.index().find(id).orElse(null),
					(task) -> task != null && task.state() == TaskState.DONE && task.lastDone() != null);

			assertThat(first.getBean(Archive.class).archive(id)).isTrue();
			assertThat(this.workspace.resolve("archive/attempts/" + id + ".1.json")).exists();
		}

		try (ConfigurableApplicationContext second = spool()) {
			TaskStore store = second.getBean(TaskStore.class);
			Budgets budgets = second.getBean(Budgets.class);
			assertThat(budgets.today().total()).as("today's tokens, read again from the archived record")
				.isEqualTo(120);
			TaskId id = store.create(NewTask.of("What colour is grass?")).id();

			String reason = await().atMost(PATIENCE)
				.until(() -> budgets.waiting(store.index().find(id).orElseThrow()).orElse(null),
						(why) -> why != null);

			assertThat(reason)
				.isEqualTo("budget: the workspace spent 120 of 100 tokens today (spool.budget.daily-tokens)");
			assertThat(this.endpoint.requestCount()).as("only the first task reached the model").isEqualTo(1);
		}
	}

	@Test
	void aSpentWorkspaceBudgetHoldsGoalsBackBeforeTheyArePlanned() {
		this.endpoint.reply(ModelReply.text("Blue.").usage(70, 50));
		try (ConfigurableApplicationContext spool = spool()) {
			TaskStore store = spool.getBean(TaskStore.class);
			Budgets budgets = spool.getBean(Budgets.class);
			TaskId spender = store.create(NewTask.of("What colour is the sky?")).id();
			await().atMost(PATIENCE).until(() -> store.index().find(spender).orElse(null),
					(task) -> task != null && task.state() == TaskState.DONE && task.lastDone() != null);

			TaskId goal = store.create(aGoal("Paint the house. Then the fence.").titled("Painting").build()).id();
			String reason = await().atMost(PATIENCE)
				.until(() -> budgets.waiting(store.index().find(goal).orElseThrow()).orElse(null),
						(why) -> why != null);

			assertThat(reason)
				.isEqualTo("budget: the workspace spent 120 of 100 tokens today (spool.budget.daily-tokens)");
			Task waiting = store.index().find(goal).orElseThrow();
			assertThat(waiting.state()).isEqualTo(TaskState.PENDING);
			assertThat(waiting.history()).as("no call for a plan, nothing recorded").isEmpty();
			assertThat(this.endpoint.requestCount()).as("only the task reached the model").isEqualTo(1);
		}
	}

	private ConfigurableApplicationContext spool() {
		return new SpringApplicationBuilder(SpoolApplication.class).run("--server.port=0",
				"--spool.workspace=" + this.workspace, "--spring.ai.openai.api-key=test",
				"--spring.ai.openai.chat.model=test-model", "--spring.ai.openai.max-retries=0",
				"--spring.ai.openai.base-url=" + this.endpoint.baseUrl(), "--spool.budget.daily-tokens=100");
	}

}
