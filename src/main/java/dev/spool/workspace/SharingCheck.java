package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a shared workspace needs and this one lacks: the folders only Spool's user may write (the root, whose writer
 * could swap {@code tasks/} or {@code outputs/} for a link to anywhere; {@code agents/}; {@code .spool/} beside its
 * shared {@code attempts/}) writable by others, or a kernel that lets anyone hard-link a file they do not own into a
 * shared folder. Said once at start, in the log and on the health endpoint; Spool runs all the same, since a folder
 * shared on purpose with a trusted group is a choice.
 */
public final class SharingCheck {

	private static final Path PROTECTED_HARDLINKS = Path.of("/proc/sys/fs/protected_hardlinks");

	private SharingCheck() {
	}

	/** One line per problem, with what to run to fix it; empty when the workspace is set up as it should be. */
	public static List<String> problems(WorkspaceLayout layout) {
		List<String> problems = new ArrayList<>();
		Path root = layout.root().toAbsolutePath();
		for (Path folder : List.of(root, root.resolve("agents"), root.resolve(".spool"))) {
			othersMayReplaceWhatIsIn(folder).ifPresent(problems::add);
		}
		try {
			if (Files.isReadable(PROTECTED_HARDLINKS)
					&& !Files.readString(PROTECTED_HARDLINKS, StandardCharsets.US_ASCII).strip().equals("1")) {
				problems.add("fs.protected_hardlinks is off: another user could hard-link a file of Spool's user into a "
						+ "shared folder; run 'sysctl fs.protected_hardlinks=1'");
			}
		}
		catch (IOException ex) {
			// Not Linux, or not allowed to look: nothing to say.
		}
		return problems;
	}

	private static Optional<String> othersMayReplaceWhatIsIn(Path folder) {
		SharedFile.Status status;
		try {
			status = SharedFile.statusAt(folder).orElse(null);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		if (status == null || !status.othersMayWrite() || (status.mode() & 01000) != 0) {
			// A sticky folder lets others add names, but not rename or remove Spool's.
			return Optional.empty();
		}
		return Optional.of(folder + " can be written by its group or by other users, who could then swap what is in it"
				+ " for links to anywhere: run 'chmod go-w " + folder + "' and share only tasks/, outputs/, pipes/, "
				+ "failures/ and .spool/attempts/");
	}

}
