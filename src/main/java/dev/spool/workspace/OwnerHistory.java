package dev.spool.workspace;

import java.util.Map;

/**
 * Who did each finished task, as recorded outside the task files: a done file's name no longer says, and an outside
 * agent's answer does not either. Read once as a workspace opens, before its files are.
 */
@FunctionalInterface
public interface OwnerHistory {

	/** No record: owners of finished tasks are known only from what this process sees. */
	OwnerHistory NONE = (layout) -> Map.of();

	/** The owners recorded for this workspace; empty when there is no record or it cannot be read. */
	Map<TaskId, String> read(WorkspaceLayout layout);

}
