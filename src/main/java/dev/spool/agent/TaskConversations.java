package dev.spool.agent;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.spool.workspace.AtomicFiles;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceLayout;

/**
 * Tasks' conversations with models that use tools, read for people and other programs: each read is of the file as
 * it is now (anyone who may write the workspace may have put something else there), with the one parser the
 * conversation itself resumes from.
 */
public final class TaskConversations {

	private final WorkspaceLayout layout;

	private final AtomicFiles files;

	private final Clock clock;

	TaskConversations(WorkspaceLayout layout, AtomicFiles files, Clock clock) {
		this.layout = layout;
		this.files = files;
		this.clock = clock;
	}

	/**
	 * The task's conversation so far, turn by turn; empty when it has none (its agent used no tools, or not yet).
	 * @throws IOException if the file cannot be shown: a link, a pipe or another non-file at its name, a file larger
	 * than 16 MiB, or lines that are not what Spool writes (the message says which)
	 */
	public Optional<List<ConversationTurn>> turns(TaskId task) throws IOException {
		return Conversation.existing(this.layout, this.files, task, this.clock).map(Conversation::turns);
	}

}
