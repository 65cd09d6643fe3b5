package dev.spool.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.sun.jna.LastErrorException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.WorkspaceLayout;

/**
 * The named pipes of fifo pipelines, in {@code workspace/pipes/}: {@code pipeline_001_stage1_to_stage2} carries stage
 * one's answer to stage two. Pipes are made with the {@code mkfifo} command (Java has none), one per attempt of the
 * writing stage.
 */
public final class Pipes {

	private static final Log logger = LogFactory.getLog(Pipes.class);

	private final WorkspaceLayout layout;

	private final String mkfifo;

	private volatile Boolean available;

	public Pipes(WorkspaceLayout layout, String mkfifoCommand) {
		this.layout = layout;
		this.mkfifo = mkfifoCommand;
	}

	public Path folder() {
		return this.layout.root().resolve("pipes");
	}

	/** The pipe from stage {@code from} of a pipeline to the stage after it. */
	public Path path(String pipeline, int from) {
		return folder().resolve(pipeline + "_stage" + from + "_to_stage" + (from + 1));
	}

	/**
	 * Whether this system can make named pipes: Linux (where Spool reads and writes them through libc) with a working
	 * {@code mkfifo} command. Found out once, by making one.
	 */
	public boolean available() {
		Boolean known = this.available;
		if (known == null) {
			known = probe();
			this.available = known;
		}
		return known;
	}

	private boolean probe() {
		if (!PosixFifo.BOUND || !SharedFile.raceFree()) {
			// Without a check of what was opened, a pipe's name could be swapped for a link to any file Spool's user
			// can write.
			return false;
		}
		Path probe = folder().resolve(".probe-" + UUID.randomUUID());
		try {
			Files.createDirectories(folder());
			mkfifo(probe);
			return true;
		}
		catch (IOException ex) {
			logger.info("Named pipes are not available, so fifo pipelines are refused: " + ex.getMessage());
			return false;
		}
		finally {
			try {
				Files.deleteIfExists(probe);
			}
			catch (IOException ex) {
				logger.warn("Could not remove " + probe + ": " + ex.getMessage());
			}
		}
	}

	/** Makes a fresh pipe for one attempt of a stage, replacing one an earlier attempt left behind. */
	public PipeWriter createWriter(PipelineStage from) throws IOException {
		Path path = path(from.pipeline(), from.stage());
		Files.createDirectories(folder());
		Files.deleteIfExists(path);
		mkfifo(path);
		SharedFile.Identity made = fileKey(path);
		if (made == null) {
			throw new IOException(path.getFileName() + " was replaced as soon as it was made");
		}
		return new PipeWriter(path, made);
	}

	/**
	 * Opens the pipe into a stage for reading, without waiting for its writer; empty while there is no pipe. What is
	 * opened is checked through its descriptor: Spool's own pipe, never a link or a file planted in its place.
	 */
	Optional<PipeReader> openReader(PipelineStage to) {
		Path path = path(to.pipeline(), to.stage() - 1);
		SharedFile.Identity key = fileKey(path);
		if (key == null) {
			return Optional.empty();
		}
		int fd;
		try {
			fd = PosixFifo.openNonBlocking(path, PosixFifo.O_RDONLY);
		}
		catch (LastErrorException ex) {
			return Optional.empty();
		}
		if (!isOurs(fd, path, key)) {
			// Replaced between the look and the open.
			PosixFifo.closeQuietly(fd);
			return Optional.empty();
		}
		return Optional.of(new PipeReader(path, key, fd));
	}

	/**
	 * Whether a descriptor is the pipe this process made: a pipe, owned by Spool's user, with the identity it had
	 * when made. Whoever may write {@code pipes/} may swap the name for anything between a look and an open.
	 */
	static boolean isOurs(int fd, Path path, SharedFile.Identity made) {
		try {
			SharedFile.Status opened = SharedFile.Native.status(fd, path);
			int owner = SharedFile.processOwner();
			return opened.kind() == SharedFile.Kind.FIFO && opened.identity().equals(made)
					&& (owner < 0 || opened.owner() == owner);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The names in {@code pipes/}, for the curious and for tests that check nothing was left behind. */
	public List<String> list() {
		List<String> names = new ArrayList<>();
		if (!Files.isDirectory(folder())) {
			return names;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder())) {
			stream.forEach((path) -> names.add(path.getFileName().toString()));
		}
		catch (IOException ex) {
			logger.warn("Could not list " + folder() + ": " + ex.getMessage());
		}
		names.sort(null);
		return names;
	}

	private void mkfifo(Path path) throws IOException {
		Process process;
		try {
			process = new ProcessBuilder(this.mkfifo, path.toString()).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IOException("cannot run " + this.mkfifo + ": " + ex.getMessage(), ex);
		}
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(this.mkfifo + " did not finish within 10 s");
			}
			String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (process.exitValue() != 0 || fileKey(path) == null) {
				throw new IOException(this.mkfifo + " " + path.getFileName() + " failed (exit " + process.exitValue()
						+ (said.isEmpty() ? "" : ": " + said) + ")");
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while making " + path.getFileName(), ex);
		}
	}

	/** The identity of the FIFO at a path, never following a link, or null when there is none. */
	static SharedFile.Identity fileKey(Path path) {
		try {
			return SharedFile.statusAt(path)
				.filter((status) -> status.kind() == SharedFile.Kind.FIFO)
				.map(SharedFile.Status::identity)
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/** Removes a pipe unless its name now belongs to another one; a small race with a newer attempt remains. */
	static void removeIfSame(Path path, SharedFile.Identity key) throws IOException {
		if (key != null && key.equals(fileKey(path))) {
			try {
				Files.delete(path);
			}
			catch (NoSuchFileException ex) {
				// Already removed by the other end.
			}
		}
	}

}
