package dev.spool.agent;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.spool.program.ProgramPath;
import dev.spool.workspace.TaskId;

/**
 * What a command runs with, drawn from Spool's own environment: where its program is found, and the few variables it
 * gets. Spool's environment holds its secrets (the API token, the model's key), so a command gets only {@link #PASSED}
 * (those set), the variables its definition names in {@code env:}, and {@code SPOOL_TASK_ID}, {@code SPOOL_AGENT},
 * {@code SPOOL_WORKSPACE}.
 */
final class CommandEnvironment {

	/** Spool's variables every command gets, when set. */
	static final List<String> PASSED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private final Map<String, String> spool;

	/** @param spool Spool's environment ({@link System#getenv()}) */
	CommandEnvironment(Map<String, String> spool) {
		this.spool = Map.copyOf(spool);
	}

	static CommandEnvironment ofThisProcess() {
		return new CommandEnvironment(System.getenv());
	}

	/** Whether a text can name an environment variable: a letter or '_', then letters, digits and '_'. */
	static boolean isName(String text) {
		return NAME.matcher(text).matches();
	}

	/** Spool's {@code PATH} without its relative entries ({@link ProgramPath}). */
	String path() {
		return new ProgramPath(this.spool.get("PATH")).entries();
	}

	/**
	 * The program a command names, by its absolute path: as written when it is one, else the first executable file of
	 * that name in {@link #path()}.
	 * @throws NoSuchFileException if there is no such program
	 */
	Path program(String name) throws NoSuchFileException {
		if (ProgramPath.isRelativePath(name)) {
			throw new IllegalArgumentException(AgentCatalog.relativeProgram(name));
		}
		return new ProgramPath(this.spool.get("PATH")).find(name);
	}

	/** The whole environment of one attempt's command. */
	Map<String, String> forAttempt(AgentDefinition agent, TaskId task, Path workspace) {
		Map<String, String> environment = new TreeMap<>();
		for (String name : PASSED) {
			if (this.spool.containsKey(name)) {
				environment.put(name, this.spool.get(name));
			}
		}
		for (String name : agent.environment()) {
			if (this.spool.containsKey(name)) {
				environment.put(name, this.spool.get(name));
			}
		}
		// An empty PATH means the working folder to some shells; without one they use their own default.
		environment.remove("PATH");
		if (!path().isEmpty()) {
			environment.put("PATH", path());
		}
		environment.put("SPOOL_TASK_ID", task.text());
		environment.put("SPOOL_AGENT", agent.name());
		environment.put("SPOOL_WORKSPACE", workspace.toString());
		return environment;
	}

}
