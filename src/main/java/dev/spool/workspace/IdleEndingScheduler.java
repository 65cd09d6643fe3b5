package dev.spool.workspace;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler of one daemon thread that ends once it has been idle for a while and starts again with the next task:
 * for work a workspace asks for now and then, which should hold no thread while there is none, and none at all for a
 * workspace that is never closed (in tests).
 */
final class IdleEndingScheduler {

	private IdleEndingScheduler() {
	}

	/**
	 * @param thread the name of its thread
	 * @param idle how long its thread waits for the next task before it ends
	 */
	static ScheduledThreadPoolExecutor named(String thread, Duration idle) {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread daemon = new Thread(runnable, thread);
			daemon.setDaemon(true);
			return daemon;
		});
		scheduler.setKeepAliveTime(idle.toMillis(), TimeUnit.MILLISECONDS);
		scheduler.allowCoreThreadTimeOut(true);
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

}
