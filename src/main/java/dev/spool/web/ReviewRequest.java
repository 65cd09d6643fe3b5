package dev.spool.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/tasks/{id}/approve} and {@code .../reject}; both fields may be left out. */
@Schema(example = """
		{"note": "Cite the source of each figure.", "by": "alice"}""")
record ReviewRequest(
		@Schema(description = "reject only: what to change; the next attempt's prompt carries it with the rejected "
				+ "answer", example = "Cite the source of each figure.") String note,
		@Schema(description = "who decides, as the task's history shows it; the signed-in user when missing",
				example = "alice") String by) {
}
