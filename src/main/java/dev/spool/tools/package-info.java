/**
 * Spool's own verbs (submit a task or a goal, read, list and cancel tasks, read an answer), implemented once and
 * offered to MCP clients by {@code mcp}, to the REST API by {@code web}, and to model agents as Spring AI tools.
 */
package dev.spool.tools;
