/**
 * The workspace's MCP servers, named in {@code mcp.json}: started on first use, checked like command agents, and their
 * tools handed out as Spring AI tool callbacks by server name.
 */
package dev.spool.mcpclient;
