/** The manifest: {@code manifest.json} and its journal, an index of every task derived from the files, written after each change. */
package dev.spool.manifest;
