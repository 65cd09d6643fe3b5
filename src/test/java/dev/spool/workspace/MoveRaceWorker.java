package dev.spool.workspace;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One side of {@link MoveRaceTests}: in each round it makes one move at the same instant as the other side, which
 * a barrier in a shared memory-mapped file arranges, and notes how its move ended. Run as
 * {@code java -cp ... dev.spool.workspace.MoveRaceWorker <race> <mode> <folder> <side> <rounds> <barrier> <tally>},
 * where {@code <race>} is {@code PUBLISH} or {@code CLAIM} (see {@link Race}), {@code <mode>} is {@code rename} (the
 * platform's rename that never replaces) or {@code link} (the fallback of linking and unlinking), and {@code <side>}
 * is {@code a} or {@code b}. Exit status 0 means every round was played.
 */
final class MoveRaceWorker {

	/** How long one side waits for the other at a barrier, which covers the other JVM's start. */
	static final Duration PATIENCE = Duration.ofSeconds(60);

	private MoveRaceWorker() {
	}

	public static void main(String[] args) {
		try {
			Race race = Race.valueOf(args[0]);
			AtomicFiles files = files(args[1]);
			Path folder = Path.of(args[2]);
			String side = args[3];
			int rounds = Integer.parseInt(args[4]);
			try (Barrier barrier = new Barrier(Path.of(args[5]), side.equals("a") ? 0 : 1)) {
				List<String> outcomes = race.play(files, folder, side, rounds, barrier);
				Path tally = Path.of(args[6]);
				Path partial = tally.resolveSibling(tally.getFileName() + ".partial");
				Files.write(partial, outcomes, StandardCharsets.UTF_8);
				Files.move(partial, tally);
			}
		}
		catch (Throwable ex) {
			ex.printStackTrace();
			System.exit(2);
		}
		System.exit(0);
	}

	static AtomicFiles files(String mode) {
		return switch (mode) {
			case "rename" -> new AtomicFiles(false);
			case "link" -> new AtomicFiles(false, new AtomicFilesTests.LinkingDisk());
			default -> throw new IllegalArgumentException("unknown mode " + mode);
		};
	}

	/** What the two sides move in each round. */
	enum Race {

		/** Each side moves its own in-progress file to the round's one done file, as two completions might. */
		PUBLISH,

		/** Both sides move the round's one pending file, each to an in-progress file of its own, as claims do. */
		CLAIM;

		String source(int round, String side) {
			return (this == PUBLISH) ? inProgress(round, side) : pending(round);
		}

		String target(int round, String side) {
			return (this == PUBLISH) ? done(round) : inProgress(round, side);
		}

		/** Plays every round as one side and returns how each of its moves ended: won, exists, gone or an error. */
		List<String> play(AtomicFiles files, Path folder, String side, int rounds, Barrier barrier)
				throws InterruptedException {
			List<String> outcomes = new ArrayList<>();
			for (int round = 1; round <= rounds; round++) {
				Path source = folder.resolve(source(round, side));
				Path target = folder.resolve(target(round, side));
				barrier.await(round);
				outcomes.add(move(files, source, target));
			}
			return outcomes;
		}

	}

	private static String move(AtomicFiles files, Path source, Path target) {
		try {
			return files.move(source, target) ? "won" : "gone";
		}
		catch (FileAlreadyExistsException ex) {
			return "exists";
		}
		catch (IOException ex) {
			return "error " + ex;
		}
	}

	static String pending(int round) {
		return String.format("task_%03d_pending.md", round);
	}

	static String inProgress(int round, String side) {
		return String.format("task_%03d_inprogress_%s.md", round, side);
	}

	static String done(int round) {
		return String.format("task_%03d_done.md", round);
	}

	static String content(int round, String side) {
		return "answer of " + side + " in round " + round;
	}

	/** A barrier for two sides in one process or two: each notes the round it reached, then waits for the other. */
	static final class Barrier implements Closeable {

		private static final VarHandle ROUNDS = MethodHandles.byteBufferViewVarHandle(long[].class,
				ByteOrder.nativeOrder());

		private final FileChannel channel;

		private final MappedByteBuffer rounds;

		private final int own;

		Barrier(Path file, int side) throws IOException {
			this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
					StandardOpenOption.WRITE);
			this.rounds = this.channel.map(FileChannel.MapMode.READ_WRITE, 0, 2 * Long.BYTES);
			this.own = side;
		}

		void await(long round) throws InterruptedException {
			ROUNDS.setVolatile(this.rounds, this.own * Long.BYTES, round);
			long deadline = System.nanoTime() + PATIENCE.toNanos();
			for (long spins = 0; (long) ROUNDS.getVolatile(this.rounds, (1 - this.own) * Long.BYTES) < round; spins++) {
				// Spinning keeps both sides within microseconds of each other; past a while, the other side is
				// not running, and this one gives way to it on a busy machine.
				if (spins < 2000) {
					Thread.onSpinWait();
					continue;
				}
				Thread.yield();
				if ((spins & 0x3FF) == 0) {
					if (System.nanoTime() > deadline) {
						throw new IllegalStateException("the other side did not reach round " + round + " in time");
					}
					if (Thread.interrupted()) {
						throw new InterruptedException();
					}
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}
