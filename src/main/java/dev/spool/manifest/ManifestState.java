package dev.spool.manifest;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.spool.workspace.WorkspaceLayout;

/**
 * The manifest's two files as a writer sees them before it writes: their generations and sizes, and whether the
 * journal ends a line. Read from the first bytes and the last byte, so that it costs little for any size.
 */
record ManifestState(String snapshotGeneration, long snapshotSize, String journalGeneration, long journalSize,
		boolean endsWithNewline) {

	/** Whether both files exist and the journal belongs to the snapshot. */
	boolean whole() {
		return this.snapshotGeneration != null && this.snapshotGeneration.equals(this.journalGeneration);
	}

	/** The files after this process appended so many bytes to the journal. */
	ManifestState appended(long bytes) {
		return new ManifestState(this.snapshotGeneration, this.snapshotSize, this.journalGeneration,
				this.journalSize + bytes, true);
	}

	static ManifestState of(WorkspaceLayout layout) throws IOException {
		Head snapshot = Head.of(layout.manifest());
		Head journal = Head.of(layout.manifestJournal());
		return new ManifestState(ManifestReader.generation(snapshot.start()), snapshot.size(),
				ManifestReader.generation(journal.start()), journal.size(), journal.endsWithNewline());
	}

	/** A file's first bytes, size and last byte; empty for a file that is missing. */
	private record Head(byte[] start, long size, boolean endsWithNewline) {

		static Head of(Path file) throws IOException {
			try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "r")) {
				long size = open.length();
				byte[] start = new byte[(int) Math.min(size, 512)];
				open.readFully(start);
				boolean newline = true;
				if (size > 0) {
					open.seek(size - 1);
					newline = open.read() == '\n';
				}
				return new Head(start, size, newline);
			}
			catch (FileNotFoundException | NoSuchFileException ex) {
				return new Head(null, 0, true);
			}
		}

	}

}
