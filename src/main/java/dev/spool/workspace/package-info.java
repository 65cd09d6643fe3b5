/**
 * The workspace file protocol: task files and their states, the verbs that move them, the index of what the files
 * say, and the file primitives (atomic writes, safe opens) every module that writes under the workspace goes through.
 */
package dev.spool.workspace;
