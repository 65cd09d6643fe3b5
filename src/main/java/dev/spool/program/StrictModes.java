package dev.spool.program;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.spool.workspace.SharedFile;
import dev.spool.workspace.SharedFile.Kind;
import dev.spool.workspace.SharedFile.Status;

/**
 * Whether anyone but Spool's user and root could have chosen a program Spool runs: OpenSSH's StrictModes rule, applied
 * to a command definition, its {@code agents/} folder and the program it names. The file and every folder from it up
 * to {@code /} must be owned by Spool's effective user or root and writable by their owner alone; whoever could write
 * any of them could swap what lies below for something of their own. The one exception is a folder above, owned by
 * root, with the sticky bit ({@code /tmp}): there others may add names, but cannot rename or remove what they do not
 * own, so the next folder down, which is checked, stays Spool's. Every problem is an {@link IllegalArgumentException}
 * whose one line names the path and what to run to fix it.
 * <p>
 * Where the system does not say who owns a file (not Linux), owners are not checked; where it has no permission bits,
 * modes are not checked.
 */
public final class StrictModes {

	private static final int ROOT = 0;

	private static final int STICKY = 01000;

	private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+:@%=,-]+");

	private final int user;

	/** @param user Spool's effective user id, or -1 where the system does not say */
	public StrictModes(int user) {
		this.user = user;
	}

	public static StrictModes ofThisProcess() {
		return new StrictModes(SharedFile.processOwner());
	}

	/**
	 * Checks a definition as it was opened, then its folder and every folder above, then that its name still names
	 * the file opened. As in OpenSSH, the folders are looked at after the open: a folder only Spool's user or root can
	 * write cannot have been swapped meanwhile, and a definition swapped before the look is caught by its identity.
	 */
	public void checkDefinition(Path file, Status opened) throws IOException {
		Path absolute = file.toAbsolutePath();
		checkOwnerAndMode(absolute, opened, "the definition");
		Path agents = absolute.getParent();
		Status folder = statusOf(agents);
		if (folder.kind() == Kind.LINK) {
			throw new IllegalArgumentException("the agents/ folder " + agents + " is a symbolic link: not run until "
					+ "the link is replaced by the folder itself, since whoever can write " + agents.getParent()
					+ " could point it anywhere");
		}
		checkOwnerAndMode(agents, folder, "the agents/ folder");
		checkFolders(agents.getParent());
		checkStillNamed(absolute, opened, "the definition");
	}

	/**
	 * Checks any other file that names programs Spool runs ({@code mcp.json}) as it was opened, then every folder
	 * above it, then that its name still names the file opened; {@code what} names it in the problem ("mcp.json").
	 */
	public void checkFile(Path file, Status opened, String what) throws IOException {
		Path absolute = file.toAbsolutePath();
		checkOwnerAndMode(absolute, opened, what);
		checkFolders(absolute.getParent());
		checkStillNamed(absolute, opened, what);
	}

	private static void checkStillNamed(Path absolute, Status opened, String what) throws IOException {
		Status now = SharedFile.statusAt(absolute).orElse(null);
		if (opened.identity() != null && (now == null || !Objects.equals(now.identity(), opened.identity()))) {
			throw new IllegalArgumentException(what + " " + absolute + " was replaced while it was read: "
					+ "read again at the next change");
		}
	}

	/**
	 * Checks a program by its absolute path and every folder above; a symbolic link is checked as a name in its
	 * folder, then the file it leads to is checked with its own folders.
	 * @throws NoSuchFileException if there is no such program
	 */
	public void checkProgram(Path program) throws IOException {
		Status status = statusOf(program);
		if (status.kind() == Kind.LINK) {
			checkOwner(program, status, "the link");
			checkFolders(program.getParent());
			checkProgram(program.toRealPath());
			return;
		}
		checkOwnerAndMode(program, status, "the program");
		checkFolders(program.getParent());
	}

	/** Checks a folder and every one above it; a folder that is a link is checked where it leads too. */
	private void checkFolders(Path from) throws IOException {
		for (Path folder = from; folder != null; folder = folder.getParent()) {
			Status status = statusOf(folder);
			if (status.kind() == Kind.LINK) {
				checkOwner(folder, status, "the link");
				checkFolders(folder.toRealPath());
			}
			else if (status.owner() != ROOT || status.mode() < 0 || (status.mode() & STICKY) == 0) {
				checkOwnerAndMode(folder, status, "the folder");
			}
		}
	}

	private void checkOwnerAndMode(Path path, Status status, String what) {
		checkOwner(path, status, what);
		if (status.othersMayWrite()) {
			boolean others = (status.mode() & 02) != 0;
			// The fix comes before the why: a long path may have the end of the line cut off where it is shown.
			throw new IllegalArgumentException(what + " " + path + " can be written by "
					+ (others ? "other users" : "its group") + " (" + symbolic(status.mode()) + "): not run until "
					+ "'chmod go-w " + shell(path) + "', since whoever can write it could run programs as Spool");
		}
	}

	private void checkOwner(Path path, Status status, String what) {
		if (status.owner() >= 0 && this.user >= 0 && status.owner() != this.user && status.owner() != ROOT) {
			throw new IllegalArgumentException(what + " " + path + " is owned by user " + status.owner()
					+ ", not by Spool's user (" + this.user + ") or root: not run until 'chown " + this.user + " "
					+ shell(path) + "' (once you trust what it holds), since that user could run programs as Spool");
		}
	}

	private static Status statusOf(Path path) throws IOException {
		return SharedFile.statusAt(path).orElseThrow(() -> new NoSuchFileException(path.toString()));
	}

	/** Permission bits as {@code ls} shows them, {@code rwxr-xr-x}. */
	static String symbolic(int mode) {
		StringBuilder text = new StringBuilder(9);
		for (int bit = 8; bit >= 0; bit--) {
			text.append(((mode >> bit) & 1) == 0 ? '-' : "xwr".charAt(bit % 3));
		}
		return text.toString();
	}

	/** A path as a shell command line takes it. */
	private static String shell(Path path) {
		String text = path.toString();
		return PLAIN.matcher(text).matches() ? text : "'" + text.replace("'", "'\\''") + "'";
	}

}
