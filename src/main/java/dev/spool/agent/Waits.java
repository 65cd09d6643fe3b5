package dev.spool.agent;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.ProblemText;
import dev.spool.workspace.StartRule;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.WorkspaceLayout;

/**
 * What waiting tasks wait for, as their conversations recorded it ({@link Conversation#waitsFor()}), and the rule
 * that holds such a task until every one of them has ended: done with its answer linked, failed or cancelled, or gone
 * from {@code tasks/} (archived or removed, so it cannot end there any more). The waiting file names the agent that
 * takes it again ({@link Task#isClaimableBy}). Read from the file once per wait and kept, since the rule is asked
 * at every offer of work.
 */
public final class Waits implements StartRule {

	private static final Log logger = LogFactory.getLog(Waits.class);

	private final WorkspaceLayout layout;

	private final Map<TaskId, Set<TaskId>> known = new ConcurrentHashMap<>();

	Waits(WorkspaceLayout layout) {
		this.layout = layout;
	}

	/** A waiting task may start once every task it waits for has ended. */
	@Override
	public boolean ready(Task task, TaskIndex index) {
		return task.state() != TaskState.WAITING || unfinished(task, index).isEmpty();
	}

	/** The tasks a waiting task waits for that have not ended, in id order; none for a task in another state. */
	public List<TaskId> unfinished(Task task, TaskIndex index) {
		if (task.state() != TaskState.WAITING) {
			return List.of();
		}
		return waitsFor(task.id()).stream()
			.filter((waited) -> index.find(waited).map((found) -> !found.hasEnded()).orElse(false))
			.sorted()
			.toList();
	}

	/**
	 * What a task's conversation waits for, whatever the task's state; none when it waits for nothing or its
	 * conversation cannot be read (the attempt that resumes it then fails, saying why).
	 */
	public Set<TaskId> waitsFor(TaskId task) {
		return this.known.computeIfAbsent(task, this::read);
	}

	private Set<TaskId> read(TaskId task) {
		try {
			return Conversation.waitsFor(this.layout, task);
		}
		catch (IOException ex) {
			logger.warn("Cannot tell what " + task + " waits for: " + ProblemText.describe(ex));
			return Set.of();
		}
	}

	/** A task that changed may have begun or ended a wait: what it waits for is read again when next asked. */
	void changed(TaskChanged change) {
		this.known.remove(change.id());
	}

}
