/** The MCP server: Spool's verbs as Model Context Protocol tools for clients that speak it. */
package dev.spool.mcp;
