package dev.spool.web;

import java.util.List;

/** The body of {@code POST /api/pipelines}. */
record CreatePipelineRequest(String transport, List<Stage> stages) {

	/** One stage: its prompt, and optionally a title and the agent or role that must take it. */
	record Stage(String prompt, String title, String agent, String role) {
	}

}
