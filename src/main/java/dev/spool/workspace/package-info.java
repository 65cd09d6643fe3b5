/**
 * The workspace file protocol: the only code that builds paths, writes and renames files under the workspace.
 */
package dev.spool.workspace;
