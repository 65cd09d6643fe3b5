package dev.spool.web;

import java.util.List;

/** The body of {@code POST /api/tasks}. */
record CreateTaskRequest(String prompt, String title, String agent, Integer priority, List<String> dependsOn,
		String role) {
}
