package dev.spool.web;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/tasks}. */
@Schema(example = """
		{"prompt": "Summarise the attached notes in five bullet points.", "title": "Notes summary", "role": "writer",
		 "priority": 1, "dependsOn": ["task_001"]}""")
record CreateTaskRequest(
		@Schema(description = "what the agent is asked to do", requiredMode = Schema.RequiredMode.REQUIRED,
				example = "Summarise the attached notes in five bullet points.") String prompt,
		@Schema(description = "a short name for the board; the prompt's first line when missing",
				example = "Notes summary") String title,
		@Schema(description = "only this agent may take the task", example = "agent_a") String agent,
		@Schema(description = "higher is taken first; 0 when missing", example = "1") Integer priority,
		@Schema(description = "tasks whose results this one needs; it starts when they are done and receives their "
				+ "outputs", example = "[\"task_001\"]") List<String> dependsOn,
		@Schema(description = "only agents listing this role may take the task; an unknown role is refused",
				example = "writer") String role,
		@Schema(description = "the task that submits this one as its subtask; the task page and the board show the "
				+ "tree", example = "task_001") String parent,
		@Schema(description = "a person approves or rejects the answer before the task is done (state review); "
				+ "dependants wait until it is approved", example = "true") Boolean review) {
}
