package dev.spool.web;

import java.util.ArrayList;
import java.util.List;

import dev.spool.workspace.Answer;
import dev.spool.workspace.Claim;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskState;
import dev.spool.workspace.TaskStore;

import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * A workspace in use for a while, written through the workspace's own verbs: tasks done with long results, failed
 * after all their attempts, cancelled and pending, all for an agent nobody runs, so that they stay as they are.
 */
final class BusyWorkspace {

	static final String NOBODY = "nobody";

	private BusyWorkspace() {
	}

	/** Adds {@code count} tasks in turn done, failed, pending and cancelled; returns one of each, in that order. */
	static List<TaskId> fill(TaskStore store, int count) {
		List<TaskId> examples = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			TaskState wanted = List.of(TaskState.DONE, TaskState.FAILED, TaskState.PENDING, TaskState.CANCELLED)
				.get(i % 4);
			Task task = store.create(aTask("Busy prompt " + i + ": " + "summarise the report. ".repeat(20))
				.titled("Busy task " + i + " (" + wanted.word() + ")")
				.forAgent(NOBODY)
				.priority(i % 3).build());
			switch (wanted) {
				case DONE -> store.complete(claim(store, task.id()),
						new Answer(("## Part\n\nA long answer with **Markdown**.\n\n").repeat(30), "stub-model", false,
								null));
				case FAILED -> {
					while (store.index().find(task.id()).orElseThrow().state() != TaskState.FAILED) {
						store.fail(claim(store, task.id()), "the model endpoint answered HTTP 500: boom");
					}
				}
				case CANCELLED -> store.cancel(task.id());
				default -> {
				}
			}
			if (examples.size() == i) {
				examples.add(task.id());
			}
		}
		return examples;
	}

	private static Claim claim(TaskStore store, TaskId id) {
		return store.claim(store.index().find(id).orElseThrow(), NOBODY).orElseThrow();
	}

}
