package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.spool.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kind of each change is what happened to the task, as the verbs made it and as the index saw files moved by
 * hand: a listener of one kind hears exactly those moves.
 */
class TaskChangedTests {

	@TempDir
	Path root;

	private final List<TaskChanged> changes = new CopyOnWriteArrayList<>();

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		this.store = Workspace
			.open(this.root, new Workspace.Settings(false, 1024, 2), MutableClock.startingNow(), this.changes::add)
			.store();
	}

	@Test
	void aTaskThatWaitsAndIsDoneIsHeardAsEachThingThatHappenedToIt() {
		Task task = this.store.create(NewTask.of("delegate, then answer"));
		Claim first = this.store.claim(task, "agent_a").orElseThrow();
		Task helper = this.store.create(NewTask.of("help"));
		this.store.putAside(first, List.of(helper.id()), null);
		Claim resumed = this.store.claim(this.store.index().find(task.id()).orElseThrow(), "agent_a").orElseThrow();
		this.store.complete(resumed, new Answer("answered", "m", false, null));

		assertThat(kindsOf(task.id())).containsSubsequence(TaskChanged.Appeared.class, TaskChanged.Claimed.class,
				TaskChanged.PutAside.class, TaskChanged.Claimed.class, TaskChanged.Published.class)
			.doesNotContain(TaskChanged.Returned.class, TaskChanged.Failed.class, TaskChanged.Cancelled.class,
					TaskChanged.Vanished.class);
		assertThat(kindsOf(task.id()).get(0)).isEqualTo(TaskChanged.Appeared.class);
		assertThat(kindsOf(task.id())).filteredOn((kind) -> kind != TaskChanged.Updated.class)
			.as("the answer linked after the commit is an update of the done task")
			.endsWith(TaskChanged.Published.class);
	}

	@Test
	void failedAttemptsReturnATaskUntilItFailsAndAPersonsRetryReturnsItAgain() {
		Task task = this.store.create(NewTask.of("fails twice"));
		this.store.fail(this.store.claim(task, "agent_a").orElseThrow(), "first");
		this.store.fail(this.store.claim(this.store.index().find(task.id()).orElseThrow(), "agent_a").orElseThrow(),
				"second");
		this.store.retry(task.id());
		this.store.cancel(task.id());

		assertThat(kindsOf(task.id())).filteredOn((kind) -> kind != TaskChanged.Updated.class)
			.containsExactly(TaskChanged.Appeared.class, TaskChanged.Claimed.class, TaskChanged.Returned.class,
					TaskChanged.Claimed.class, TaskChanged.Failed.class, TaskChanged.Returned.class,
					TaskChanged.Cancelled.class);
		TaskChanged cancelled = this.changes.stream().filter(TaskChanged.Cancelled.class::isInstance).findFirst()
			.orElseThrow();
		assertThat(cancelled.before().state()).isEqualTo(TaskState.PENDING);
		assertThat(cancelled.after().state()).isEqualTo(TaskState.CANCELLED);
	}

	@Test
	void filesMovedAndRemovedByHandAreHeardAsWhatTheMovesDid() throws IOException {
		Task task = this.store.create(NewTask.of("moved by hand"));
		Path tasks = this.root.resolve("tasks");
		Files.move(tasks.resolve("task_001_pending.md"), tasks.resolve("task_001_inprogress_outsider.md"));
		this.store.index().rescan();
		Files.move(tasks.resolve("task_001_inprogress_outsider.md"), tasks.resolve("task_001_cancelled.md"));
		this.store.index().rescan();
		Files.delete(tasks.resolve("task_001_cancelled.md"));
		this.store.index().rescan();

		assertThat(kindsOf(task.id())).filteredOn((kind) -> kind != TaskChanged.Updated.class)
			.containsExactly(TaskChanged.Appeared.class, TaskChanged.Claimed.class, TaskChanged.Cancelled.class,
					TaskChanged.Vanished.class);
		TaskChanged vanished = this.changes.get(this.changes.size() - 1);
		assertThat(vanished.after()).isNull();
		assertThat(vanished.id()).isEqualTo(task.id());
		assertThat(vanished.stateChanged()).isTrue();
	}

	private List<Class<?>> kindsOf(TaskId id) {
		return this.changes.stream().filter((change) -> change.id().equals(id)).<Class<?>>map(Object::getClass).toList();
	}

}
