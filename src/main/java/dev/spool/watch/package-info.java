/** Watching the workspace: file events (inotify, or Java's WatchService) and periodic rescans keep the index converged with changes made by anyone. */
package dev.spool.watch;
