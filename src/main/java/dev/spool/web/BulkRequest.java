package dev.spool.web;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/tasks/bulk}. */
@Schema(example = """
		{"action": "cancel", "ids": ["task_007", "task_009"]}""")
record BulkRequest(
		@Schema(description = "what to do to each task", requiredMode = Schema.RequiredMode.REQUIRED,
				allowableValues = { "cancel", "retry", "archive", "approve" }, example = "cancel") String action,
		@Schema(description = "the tasks, at most 1000; give these or a status", example = "[\"task_007\"]") List<String> ids,
		@Schema(description = "cancel and retry: every task in this status now; give this or ids", example = "failed",
				allowableValues = { "pending", "inprogress", "waiting", "review", "done", "failed", "cancelled" }) String status,
		@Schema(description = "archive only: every finished task that finished more than this many days ago; give "
				+ "this or ids", example = "30") Integer olderThanDays) {
}
