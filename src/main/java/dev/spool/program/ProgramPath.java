package dev.spool.program;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import dev.spool.workspace.ProblemText;

/**
 * Where Spool looks for a program named by a bare name: its own {@code PATH} without the relative entries, since an
 * empty or relative entry would name a folder of the workspace, the working folder of what Spool runs.
 */
public final class ProgramPath {

	private final String entries;

	/** @param path Spool's {@code PATH}, or null when it has none */
	public ProgramPath(String path) {
		this.entries = Arrays.stream((path != null) ? path.split(":") : new String[0])
			.filter((entry) -> entry.startsWith("/"))
			.collect(Collectors.joining(":"));
	}

	public static ProgramPath ofThisProcess() {
		return new ProgramPath(System.getenv("PATH"));
	}

	/** The absolute entries, joined with ':' as {@code PATH} is; empty when there are none. */
	public String entries() {
		return this.entries;
	}

	/** Whether a program is named by a relative path with a '/', which would be looked for in the working folder. */
	public static boolean isRelativePath(String program) {
		return !program.startsWith("/") && program.contains("/");
	}

	/** Why a program named by a relative path is refused. */
	public static String relativePathProblem(String program) {
		return "the program " + ProblemText.quoted(program) + " is a relative path, which would be looked for in the"
				+ " workspace: name it by its absolute path, or by a bare name found on Spool's PATH";
	}

	/**
	 * The program a name stands for, by its absolute path: as written when it is one, else the first executable file
	 * of that name in {@link #entries()}.
	 * @throws NoSuchFileException if there is no such program
	 * @throws IllegalArgumentException if the name is a relative path ({@link #isRelativePath(String)})
	 */
	public Path find(String name) throws NoSuchFileException {
		if (isRelativePath(name)) {
			throw new IllegalArgumentException(relativePathProblem(name));
		}
		if (name.startsWith("/")) {
			Path program = Path.of(name);
			if (!Files.exists(program)) {
				throw new NoSuchFileException(name, null, "No such file or directory");
			}
			return program;
		}
		for (String folder : this.entries.split(":")) {
			Path candidate = Path.of(folder, name);
			if (!folder.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		throw new NoSuchFileException(name, null, "not found on Spool's PATH (" + this.entries + ")");
	}

}
