/**
 * Programs Spool runs on someone's word (command agents, MCP servers): who may have chosen them (OpenSSH's StrictModes
 * rule), where a bare name is found, and ending one with every process it started.
 */
package dev.spool.program;
