package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index reads files outside its lock and keeps every task findable while it moves: a reader never finds a task
 * missing that has a file, and a claim never waits for a rescan that is reading other tasks' files.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IndexWhileMovingTests {

	@TempDir
	Path root;

	private Workspace workspace;

	@BeforeEach
	void open() throws IOException {
		this.workspace = Workspace.open(this.root, new Workspace.Settings(false, 1 << 20, 3, 100), Clock.systemUTC(),
				(change) -> {
				});
	}

	@AfterEach
	void close() {
		this.workspace.close();
	}

	@Test
	void everyTaskIsFoundWhileAgentsPeopleAndOtherProcessesMoveIt() throws Exception {
		TaskStore store = this.workspace.store();
		TaskIndex index = store.index();
		List<TaskId> ids = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			ids.add(store.create(NewTask.of("task number " + i)).id());
		}
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger moves = new AtomicInteger();
		List<Thread> movers = List.of(new Thread(() -> {
			while (!stop.get()) {
				ids.forEach((id) -> moveAsAnAgentOrAPerson(store, id, moves));
			}
		}, "agent"), new Thread(() -> {
			while (!stop.get()) {
				moveAsAnotherProcess(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
			}
		}, "other-process"), new Thread(() -> {
			while (!stop.get()) {
				index.rescan();
			}
		}, "rescans"));
		movers.forEach(Thread::start);
		List<String> lost = new ArrayList<>();
		try {
			while (moves.get() < 1_000 && lost.size() < 10) {
				for (TaskId id : ids) {
					if (index.find(id).isEmpty()) {
						lost.add(id + " after " + moves.get() + " moves");
					}
				}
			}
		}
		finally {
			stop.set(true);
			for (Thread mover : movers) {
				mover.join();
			}
		}
		assertThat(lost).isEmpty();
	}

	/** Claims the task and hands it back or fails it, or retries it once it failed. */
	private static void moveAsAnAgentOrAPerson(TaskStore store, TaskId id, AtomicInteger moves) {
		Optional<Task> task = store.index().find(id);
		if (task.isEmpty()) {
			return;
		}
		try {
			switch (task.get().state()) {
				case PENDING -> store.claim(task.get(), "agent").ifPresent((claim) -> {
					// Mostly handed back: each failure adds a record that every later read of the task reads.
					if (ThreadLocalRandom.current().nextInt(8) > 0) {
						store.release(claim);
					}
					else {
						store.fail(claim, "went wrong");
					}
				});
				case FAILED -> store.retry(id);
				default -> {
				}
			}
		}
		catch (TransitionNotAllowedException ex) {
			// Another process moved it first: a lost race.
		}
		moves.incrementAndGet();
	}

	/** Claims a pending task's file by renaming it, as a shell agent does, and hands it back. */
	private void moveAsAnotherProcess(TaskId id) {
		Path pending = this.root.resolve("tasks/" + id + "_pending.md");
		Path claimed = this.root.resolve("tasks/" + id + "_inprogress_shell.md");
		try {
			Files.move(pending, claimed, StandardCopyOption.ATOMIC_MOVE);
			Files.move(claimed, pending, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (NoSuchFileException ex) {
			// Not pending now.
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aClaimGoesOnWhileARescanIsHeldUpReadingAnotherTasksFile() throws Exception {
		TaskStore store = this.workspace.store();
		TaskIndex index = store.index();
		Task moved = store.create(NewTask.of("claimed by another process"));
		Task wanted = store.create(NewTask.of("claimed by this one"));
		String held = moved.id() + "_inprogress_shell.md";
		Files.move(this.root.resolve("tasks/" + moved.id() + "_pending.md"), this.root.resolve("tasks/" + held),
				StandardCopyOption.ATOMIC_MOVE);
		CountDownLatch reading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		index.beforeReading((path) -> {
			if (path.getFileName().toString().equals(held)) {
				reading.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		Thread rescan = new Thread(index::rescan, "rescan");
		rescan.start();
		try {
			assertThat(reading.await(60, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Optional<Claim>> claim = CompletableFuture
				.supplyAsync(() -> store.claim(wanted, "agent"));
			assertThat(claim).succeedsWithin(Duration.ofSeconds(60)).satisfies((taken) -> assertThat(taken).isPresent());
			assertThat(index.find(wanted.id())).get().extracting(Task::state).isEqualTo(TaskState.IN_PROGRESS);
			assertThat(index.find(moved.id())).isPresent();
		}
		finally {
			release.countDown();
			rescan.join();
		}
		assertThat(index.find(moved.id())).get().extracting(Task::owner).isEqualTo("shell");
	}

}
