package dev.spool.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.spool.workspace.AgentNames;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.WorkspaceLayout;

/**
 * The quiet markers, {@code agents/<name>.quiet}: while one is there, whatever it is, the agent takes no new task and
 * finishes what it holds. A person makes one with {@code touch} (or writes one line saying why) and resumes the agent
 * with {@code rm}; the file is the only record, so a quiet agent stays quiet across restarts.
 */
public final class QuietMarkers {

	/** The longest reason kept, in characters. */
	public static final int MAX_REASON = 500;

	private final Path folder;

	QuietMarkers(WorkspaceLayout layout) {
		this.folder = layout.agents();
	}

	/** Whether the agent is quiet: one look at the name, which never follows a link; cheap enough for every take. */
	public boolean isQuiet(String agent) {
		return AgentNames.isValid(agent) && SharedFile.exists(marker(agent));
	}

	/**
	 * Why the agent is quiet: empty when it is not, and an empty reason when its marker says nothing or is not a
	 * regular file (whose content Spool never reads).
	 */
	public Optional<String> reason(String agent) {
		if (!isQuiet(agent)) {
			return Optional.empty();
		}
		try {
			byte[] bytes = SharedFile.readRegular(marker(agent), MAX_REASON * 4);
			return Optional.of(oneLine(new String(bytes, StandardCharsets.UTF_8)));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			return Optional.of("");
		}
	}

	/**
	 * Quiets the agent, saying why; quieting a quiet agent again only changes the reason. The marker is written under
	 * a name of its own, then linked into place (which never replaces anything) or renamed over the regular marker
	 * already there (a rename replaces the name, and never writes through a link).
	 * @throws InvalidTaskException if the name is not an agent's or the reason is too long
	 * @throws RefusedMarkerException if something other than a regular file has the marker's name
	 */
	public void quiet(String agent, String reason) throws IOException {
		Path marker = marker(agent);
		String line = (reason == null) ? "" : reason.strip();
		if (line.length() > MAX_REASON) {
			throw new InvalidTaskException(
					"the reason is " + line.length() + " characters long; at most " + MAX_REASON + " are kept");
		}
		line = oneLine(line);
		refuseIfNotRegular(marker);
		Path temp = this.folder.resolve("." + agent + ".quiet." + UUID.randomUUID() + ".tmp");
		try (SeekableByteChannel channel = Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW,
				StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
			if (!line.isEmpty()) {
				channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			}
		}
		try {
			try {
				Files.createLink(marker, temp);
			}
			catch (FileAlreadyExistsException ex) {
				refuseIfNotRegular(marker);
				Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

	/**
	 * Resumes the agent by removing its marker, which never follows a link; resuming an agent that is not quiet does
	 * nothing.
	 * @throws RefusedMarkerException if a folder has the marker's name
	 */
	public void resume(String agent) throws IOException {
		Path marker = marker(agent);
		try {
			Files.deleteIfExists(marker);
		}
		catch (DirectoryNotEmptyException ex) {
			throw new RefusedMarkerException(marker, SharedFile.Kind.DIRECTORY);
		}
	}

	private Path marker(String agent) {
		return this.folder.resolve(AgentNames.require(agent) + ".quiet");
	}

	private static void refuseIfNotRegular(Path marker) throws IOException {
		Optional<SharedFile.Status> status = SharedFile.statusAt(marker);
		if (status.isPresent() && status.get().kind() != SharedFile.Kind.REGULAR) {
			throw new RefusedMarkerException(marker, status.get().kind());
		}
	}

	private static String oneLine(String text) {
		String line = text.strip().replaceAll("\\p{Cntrl}+", " ");
		return (line.length() > MAX_REASON) ? line.substring(0, MAX_REASON) : line;
	}

	/** Something other than a regular file has a quiet marker's name: Spool neither follows nor replaces it. */
	public static final class RefusedMarkerException extends RuntimeException {

		RefusedMarkerException(Path marker, SharedFile.Kind kind) {
			super("agents/" + marker.getFileName() + " is not a regular file (" + kind.name().toLowerCase(Locale.ROOT)
					+ "); Spool neither follows nor replaces it: remove it, then try again");
		}

	}

}
