package dev.spool.web;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/pipelines}. */
@Schema(example = """
		{"transport": "fifo", "stages": [{"prompt": "Draft a short story about a lighthouse.", "role": "writer"},
		 {"prompt": "Edit the story for rhythm and clarity.", "title": "Edit"}]}""")
record CreatePipelineRequest(
		@Schema(description = "how each stage receives the previous one's answer: files (once written) or fifo (as "
				+ "it is written, through a named pipe)", allowableValues = { "files", "fifo" },
				requiredMode = Schema.RequiredMode.REQUIRED) String transport,
		@Schema(description = "two or more stages, in order", requiredMode = Schema.RequiredMode.REQUIRED)
		List<Stage> stages) {

	/** One stage: its prompt, and optionally a title and the agent or role that must take it. */
	record Stage(
			@Schema(description = "what this stage's agent is asked to do with the previous stage's answer",
					requiredMode = Schema.RequiredMode.REQUIRED) String prompt,
			@Schema(description = "a short name for the board") String title,
			@Schema(description = "only this agent may take the stage") String agent,
			@Schema(description = "only agents listing this role may take the stage") String role,
			@Schema(description = "a person approves or rejects this stage's answer before the next stage starts; "
					+ "in a fifo pipeline only the last stage may be reviewed") Boolean review) {
	}

}
