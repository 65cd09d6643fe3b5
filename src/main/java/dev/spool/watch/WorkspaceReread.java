package dev.spool.watch;

/**
 * The watcher read the whole workspace again: at start, at each rescan, and after the filesystem dropped events.
 * What is kept beside the files (the manifest) is compared with them again, since another process may have lost a
 * change that this one's index never saw as one.
 */
public record WorkspaceReread() {

}
