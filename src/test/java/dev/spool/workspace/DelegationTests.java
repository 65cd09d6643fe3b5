package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Subtasks: a task names the task that submitted it, within limits on depth and number. */
class DelegationTests {

	@TempDir
	Path root;

	private Workspace workspace;

	private TaskStore store;

	@BeforeEach
	void open() throws IOException {
		this.workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 3, 100,
				new DelegationLimits(2, 3)), Clock.systemUTC(), (change) -> {
				});
		this.store = this.workspace.store();
	}

	@Test
	void aSubtaskRecordsItsParentInItsFrontMatterAndTheParentKnowsItsChildren() throws IOException {
		Task parent = this.store.create(NewTask.of("plan"));
		Task child = this.store.create(NewTask.of("step").withParent(parent.id()));

		assertThat(Files.readString(this.root.resolve("tasks/task_002_pending.md"))).contains("parent: task_001\n");
		assertThat(child.document().parent()).isEqualTo(parent.id());
		assertThat(this.store.index().queries().children(parent.id())).extracting(Task::id)
			.containsExactly(child.id());
		assertThat(this.store.index().queries().children(child.id())).isEmpty();
	}

	@Test
	void aParentThatDoesNotExistIsRefusedAndNothingIsWritten() throws IOException {
		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("orphan").withParent(new TaskId("task_009", 9))))
			.withMessage("its parent task_009 does not exist");
		assertThat(taskFiles()).isEmpty();
	}

	@Test
	void subtasksNestNoDeeperThanTheLimit() throws IOException {
		Task top = this.store.create(NewTask.of("top"));
		Task one = this.store.create(NewTask.of("one").withParent(top.id()));
		Task two = this.store.create(NewTask.of("two").withParent(one.id()));

		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("three").withParent(two.id())))
			.withMessage("a subtask of task_003 would be more than 2 subtasks deep, each submitted by the one above "
					+ "(spool.max-delegation-depth)");
		assertThat(taskFiles()).hasSize(3);
	}

	@Test
	void aTaskSubmitsNoMoreSubtasksThanTheLimitFinishedOnesIncluded() throws IOException {
		Task parent = this.store.create(NewTask.of("plan"));
		for (int i = 0; i < 3; i++) {
			this.store.create(NewTask.of("step " + i).withParent(parent.id()));
		}
		this.store.cancel(new TaskId("task_002", 2));

		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("one more").withParent(parent.id())))
			.withMessage("task_001 has already submitted 3 subtasks, the most one task may (spool.max-subtasks)");
		assertThat(taskFiles()).hasSize(4);
	}

	@Test
	void aLoopOfParentsWrittenByHandCountsAsTooDeep() throws IOException {
		Files.writeString(this.root.resolve("tasks/task_001_pending.md"), "---\nparent: task_002\n---\na\n");
		Files.writeString(this.root.resolve("tasks/task_002_pending.md"), "---\nparent: task_001\n---\nb\n");
		this.store.index().rescan();

		assertThat(this.store.index().queries().children(new TaskId("task_001", 1))).extracting(Task::id)
			.containsExactly(new TaskId("task_002", 2));
		assertThatExceptionOfType(InvalidTaskException.class)
			.isThrownBy(() -> this.store.create(NewTask.of("c").withParent(new TaskId("task_001", 1))))
			.withMessageContaining("spool.max-delegation-depth");
	}

	@Test
	void aChildThatNamesAnotherParentMovesInTheIndex() throws IOException {
		Task first = this.store.create(NewTask.of("first"));
		Task second = this.store.create(NewTask.of("second"));
		Task child = this.store.create(NewTask.of("child").withParent(first.id()));
		Files.writeString(this.root.resolve("tasks/task_003_pending.md"), "---\nparent: task_002\n---\nchild\n");
		this.store.index().refresh(child.id());

		assertThat(this.store.index().queries().children(first.id())).isEmpty();
		assertThat(this.store.index().queries().children(second.id())).extracting(Task::id)
			.containsExactly(child.id());
	}

	@Test
	void manyThreadsSubmittingForOneParentAtOnceNeverMakeMoreSubtasksThanTheLimit() throws Exception {
		int threads = 12;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		AtomicInteger madeByToolCalls = new AtomicInteger();
		try {
			for (int round = 0; round < 10; round++) {
				Task parent = this.store.create(NewTask.of("delegate " + round));
				CyclicBarrier start = new CyclicBarrier(threads);
				List<Future<Task>> submits = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					String prompt = "round " + round + " step " + i;
					// Half as the REST API and the dashboard submit, half as a model's tool call does.
					boolean toolCall = i % 2 == 0;
					submits.add(pool.submit(() -> {
						start.await();
						NewTask request = NewTask.of(prompt).withParent(parent.id());
						if (!toolCall) {
							return this.store.create(request);
						}
						Task made = this.store.createOnce(parent.id(), "call_" + prompt, request);
						madeByToolCalls.incrementAndGet();
						return made;
					}));
				}
				List<Task> made = new ArrayList<>();
				for (Future<Task> submit : submits) {
					try {
						made.add(submit.get());
					}
					catch (ExecutionException ex) {
						assertThat(ex.getCause()).isInstanceOf(InvalidTaskException.class)
							.hasMessage(parent.id() + " has already submitted 3 subtasks, the most one task may "
									+ "(spool.max-subtasks)");
					}
				}

				assertThat(made).hasSize(3);
				assertThat(this.store.index().queries().children(parent.id())).extracting(Task::id)
					.containsExactlyInAnyOrderElementsOf(made.stream().map(Task::id).toList());
			}
			// The refused wrote nothing: no task file, no key of a tool call, no id reserved.
			assertThat(taskFiles()).hasSize(10 * 4);
			try (Stream<Path> keys = Files.list(this.workspace.layout().toolCalls())) {
				assertThat(keys.count()).isEqualTo(madeByToolCalls.get());
			}
			assertThat(this.store.create(NewTask.of("next")).id()).isEqualTo(TaskId.of(10 * 4 + 1));
		}
		finally {
			pool.shutdownNow();
		}
	}

	private List<Path> taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(this.root.resolve("tasks"))) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".md")).toList();
		}
	}

	@Test
	void aToolCallMakesItsSubtaskOnceHoweverOftenItIsMadeAndACrashAfterTheKeyIsMadeGood() throws Exception {
		Task parent = this.store.create(NewTask.of("delegate"));

		Task first = this.store.createOnce(parent.id(), "call_1", NewTask.of("sub one").withParent(parent.id()));
		Task again = this.store.createOnce(parent.id(), "call_1", NewTask.of("sub one").withParent(parent.id()));
		Task other = this.store.createOnce(parent.id(), "call_2", NewTask.of("sub two").withParent(parent.id()));

		assertThat(again.id()).isEqualTo(first.id());
		assertThat(other.id()).isNotEqualTo(first.id());
		// A process that died after writing the key and before publishing the task: the next call publishes it.
		TaskId reserved = this.store.reserve(1).get(0);
		java.nio.file.Path key = this.workspace.layout().toolCalls().resolve(TaskStore.keyName(parent.id(), "call_3"));
		java.nio.file.Files.writeString(key, reserved.text());
		Task resumed = this.store.createOnce(parent.id(), "call_3", NewTask.of("sub three").withParent(parent.id()));
		assertThat(resumed.id()).isEqualTo(reserved);
		assertThat(this.store.index().queries().children(parent.id())).extracting(Task::id)
			.containsExactlyInAnyOrder(first.id(), other.id(), reserved);
		// A key that holds no task id is refused rather than trusted.
		java.nio.file.Files.writeString(this.workspace.layout().toolCalls()
			.resolve(TaskStore.keyName(parent.id(), "call_4")), "../../etc/passwd");
		assertThatThrownBy(() -> this.store.createOnce(parent.id(), "call_4", NewTask.of("sub four")
			.withParent(parent.id()))).hasMessageContaining("does not hold a task id");
	}

}
