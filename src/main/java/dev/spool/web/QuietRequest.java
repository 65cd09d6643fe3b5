package dev.spool.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/agents/{name}/quiet}; it may be left out. */
@Schema(example = """
		{"reason": "model endpoint under maintenance until 14:00"}""")
record QuietRequest(@Schema(description = "why, in one line of at most 500 characters, kept in agents/<name>.quiet "
		+ "and shown beside the agent", example = "model endpoint under maintenance until 14:00") String reason) {
}
