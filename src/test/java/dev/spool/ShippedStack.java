package dev.spool;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs test code on a thread whose stack is as small as the one Spool ships with ({@code -Xss512k}), so that a walk
 * that recurses where it should not overflows here as it would in production.
 */
public final class ShippedStack {

	private static final long SHIPPED = 512 * 1024;

	private ShippedStack() {
	}

	/** Runs work that returns nothing; see {@link #call(Callable)}. */
	public static void run(Work work) throws Exception {
		call(() -> {
			work.run();
			return null;
		});
	}

	/** Runs work and returns its result; what it throws is thrown here. */
	public static <T> T call(Callable<T> work) throws Exception {
		AtomicReference<T> result = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread thread = new Thread(null, () -> {
			try {
				result.set(work.call());
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "shipped-stack", SHIPPED);
		thread.start();
		thread.join();
		if (failure.get() instanceof Exception ex) {
			throw ex;
		}
		if (failure.get() instanceof Error error) {
			throw error;
		}
		return result.get();
	}

	/** Test code that may throw anything. */
	public interface Work {

		void run() throws Exception;

	}

}
