package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Threads renaming into one folder at once share its flushes (group commit), and none returns before a flush that
 * began after its own rename has ended. The first flush is held until every thread has renamed, so the others must
 * arrive while it is under way and gather for the next.
 */
class GroupCommitTests {

	private static final int THREADS = 16;

	@TempDir
	Path root;

	private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void stop() {
		this.threads.shutdownNow();
	}

	@Test
	void renamesAtOnceShareFolderFlushesAndEachReturnsAfterAFlushThatBeganAfterIt() throws Exception {
		SequencingDisk disk = new SequencingDisk(THREADS);
		AtomicFiles files = new AtomicFiles(true, disk);
		List<Commit> commits = new CopyOnWriteArrayList<>();

		run(files, (number) -> {
			files.move(this.root.resolve("a" + number), this.root.resolve("b" + number));
			commits.add(new Commit(disk.renameOf(number), disk.tick()));
			return null;
		});

		assertThat(commits).hasSize(THREADS);
		assertThat(disk.flushes).as("folder flushes for %d renames at once", THREADS).hasSizeLessThan(THREADS);
		for (Commit commit : commits) {
			assertThat(disk.flushes).as("a flush that began after rename %d and ended before it returned", commit.rename)
				.anyMatch((flush) -> flush.start > commit.rename && flush.end < commit.returned);
		}
	}

	@Test
	void aFailedFlushFailsEveryRenameItServedAndIsNeverRetried() throws Exception {
		SequencingDisk disk = new SequencingDisk(THREADS);
		disk.failing.set(true);
		AtomicFiles files = new AtomicFiles(true, disk);
		AtomicInteger notDurable = new AtomicInteger();

		run(files, (number) -> {
			assertThatExceptionOfType(AtomicFiles.NotDurableException.class)
				.isThrownBy(() -> files.move(this.root.resolve("a" + number), this.root.resolve("b" + number)))
				.withMessageContaining("may not survive a power cut");
			notDurable.incrementAndGet();
			return null;
		});

		assertThat(notDurable).as("renames told that they may not survive a power cut").hasValue(THREADS);
		assertThat(disk.attempts).as("flushes tried: shared, and none retried").hasValueLessThan(THREADS);
		try (var names = Files.list(this.root)) {
			assertThat(names.filter((name) -> name.getFileName().toString().startsWith("b")))
				.as("renames stay visible").hasSize(THREADS);
		}
		disk.failing.set(false);
		Files.createFile(this.root.resolve("c"));
		assertThat(files.move(this.root.resolve("c"), this.root.resolve("d"))).isTrue();
	}

	private void run(AtomicFiles files, Numbered work) throws Exception {
		for (int number = 0; number < THREADS; number++) {
			Files.createFile(this.root.resolve("a" + number));
		}
		List<Future<Void>> done = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (int number = 0; number < THREADS; number++) {
			int own = number;
			done.add(this.threads.submit((Callable<Void>) () -> {
				start.await();
				return work.run(own);
			}));
		}
		start.countDown();
		for (Future<Void> future : done) {
			future.get(60, TimeUnit.SECONDS);
		}
	}

	/** Work for one thread, given its number. */
	@FunctionalInterface
	interface Numbered {

		Void run(int number) throws Exception;

	}

	/** When a thread's rename happened and when its move returned, on the disk's sequence of events. */
	record Commit(long rename, long returned) {
	}

	/** When a folder flush began and ended, on the disk's sequence of events. */
	record Flush(long start, long end) {
	}

	/**
	 * A disk that numbers renames and flushes in one sequence, and holds its first flush until every thread has
	 * renamed.
	 */
	static final class SequencingDisk implements Disk {

		final List<Flush> flushes = new CopyOnWriteArrayList<>();

		final AtomicInteger attempts = new AtomicInteger();

		final AtomicBoolean failing = new AtomicBoolean();

		private final AtomicLong sequence = new AtomicLong();

		private final java.util.Map<String, Long> renames = new java.util.concurrent.ConcurrentHashMap<>();

		private final CountDownLatch allRenamed;

		SequencingDisk(int renames) {
			this.allRenamed = new CountDownLatch(renames);
		}

		long tick() {
			return this.sequence.incrementAndGet();
		}

		long renameOf(int number) {
			return this.renames.get("b" + number);
		}

		@Override
		public boolean renameWithoutReplacing(Path source, Path target) throws IOException {
			boolean renamed = Disk.super.renameWithoutReplacing(source, target);
			this.renames.put(target.getFileName().toString(), tick());
			this.allRenamed.countDown();
			return renamed;
		}

		@Override
		public void forceFolder(Path folder) throws IOException {
			if (this.attempts.getAndIncrement() == 0) {
				try {
					this.allRenamed.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			long start = tick();
			if (this.failing.get()) {
				throw new IOException(RecordingDisk.IO_ERROR);
			}
			Disk.super.forceFolder(folder);
			this.flushes.add(new Flush(start, tick()));
		}

	}

}
