package dev.spool.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.program.ProgramPath;
import dev.spool.program.StrictModes;
import dev.spool.workspace.AgentNames;
import dev.spool.workspace.FrontMatter;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.Task;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The agents defined in {@code agents/}, reloaded whenever the folder changes. {@code orchestrator.md} defines the
 * orchestrator's role, not a worker. An empty folder gets the default definitions written into it.
 */
public final class AgentCatalog {

	static final String ORCHESTRATOR = "orchestrator";

	private static final Log logger = LogFactory.getLog(AgentCatalog.class);

	private static final int MAX_CONCURRENCY = 32;

	/** A name in {@code tools:}: {@code spool}, or a server's name as {@code mcp.json} may give it. */
	private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	/** A system prompt and a few settings; a larger file is not a definition. */
	private static final long MAX_FILE_SIZE = 1024 * 1024;

	private final Path folder;

	private volatile Map<String, AgentDefinition> agents = Map.of();

	private volatile Map<String, String> problems = Map.of();

	AgentCatalog(WorkspaceLayout layout) {
		this.folder = layout.agents();
	}

	/** Every defined agent, by name. */
	public Collection<AgentDefinition> all() {
		return this.agents.values();
	}

	public Optional<AgentDefinition> find(String name) {
		return Optional.ofNullable(this.agents.get(name));
	}

	/** The defined agents that may take this task, by its {@code agent} and {@code role}. */
	public List<AgentDefinition> mayTake(Task task) {
		return all().stream().filter((definition) -> task.isClaimableBy(definition.name(), definition.roles())).toList();
	}

	/**
	 * The orchestrator's role, read from {@code agents/orchestrator.md} each time (goals are planned with it); empty
	 * when the file is missing or cannot be read.
	 */
	public Optional<AgentDefinition> orchestrator() {
		try {
			return Optional.of(read(ORCHESTRATOR, this.folder.resolve(ORCHESTRATOR + ".md")));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Cannot read the orchestrator's role from " + this.folder.resolve(ORCHESTRATOR + ".md") + ": "
					+ ex.getMessage());
			return Optional.empty();
		}
	}

	/** Files in {@code agents/} that could not be read, by file name, with the reason. */
	public Map<String, String> problems() {
		return this.problems;
	}

	/** Writes the default definitions when the folder has none. */
	void writeDefaultsIfEmpty() throws IOException {
		if (!definitionFiles().isEmpty()) {
			return;
		}
		Resource[] defaults = new PathMatchingResourcePatternResolver().getResources("classpath:defaults/agents/*.md");
		for (Resource resource : defaults) {
			try (InputStream in = resource.getInputStream()) {
				Files.write(this.folder.resolve(resource.getFilename()), in.readAllBytes());
			}
		}
		logger.info("Wrote " + defaults.length + " default agent definitions to " + this.folder);
	}

	/**
	 * Reads every definition again; returns true when something changed. A definition that cannot be taken is
	 * skipped and reported in {@link #problems()} and the log; nothing in the folder makes this throw.
	 */
	synchronized boolean reload() {
		List<Path> files;
		try {
			files = definitionFiles();
		}
		catch (IOException | DirectoryIteratorException ex) {
			logger.warn("Could not list " + this.folder + ": " + ex.getMessage());
			return false;
		}
		Map<String, AgentDefinition> loaded = new TreeMap<>();
		Map<String, String> found = new TreeMap<>();
		for (Path file : files) {
			String fileName = file.getFileName().toString();
			String name = fileName.substring(0, fileName.length() - 3);
			if (name.equals(ORCHESTRATOR)) {
				continue;
			}
			try {
				loaded.put(name, read(name, file));
			}
			catch (NoSuchFileException ex) {
				// Removed since the folder was listed: nothing to report.
			}
			catch (IOException | RuntimeException ex) {
				String reason = reason(ex);
				found.put(fileName, reason);
				if (ex instanceof IllegalArgumentException || ex instanceof IOException) {
					logger.warn("Skipping agent definition " + file + ": " + reason);
				}
				else {
					logger.warn("Skipping agent definition " + file + ": " + reason, ex);
				}
			}
		}
		this.problems = Map.copyOf(found);
		boolean changed = !loaded.equals(this.agents);
		this.agents = Collections.unmodifiableMap(loaded);
		return changed;
	}

	private static String reason(Exception ex) {
		if (ex instanceof CharacterCodingException) {
			return "is not UTF-8 text";
		}
		if (ex instanceof IllegalArgumentException) {
			return ProblemText.oneLine(ex.getMessage());
		}
		return "cannot be read: " + ProblemText.describe(ex);
	}

	private List<Path> definitionFiles() throws IOException {
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.folder, "*.md")) {
			List<Path> files = new ArrayList<>();
			for (Path path : stream) {
				if (!path.getFileName().toString().startsWith(".")
						&& Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
					files.add(path);
				}
			}
			return files;
		}
	}

	static AgentDefinition read(String name, Path file) throws IOException {
		return read(name, file, CommandEnvironment.ofThisProcess());
	}

	/**
	 * Reads a definition once, from the descriptor it was opened with. One that names a command is taken only when
	 * no one but Spool's user and root could have written it or the program it names ({@link StrictModes}); a program
	 * not there yet is looked for again when the command runs.
	 */
	static AgentDefinition read(String name, Path file, CommandEnvironment environment) throws IOException {
		if (!AgentNames.isValid(name)) {
			throw new IllegalArgumentException(ProblemText.quoted(name) + " is not a valid agent name: use lower-case"
					+ " letters, digits, '_' and '-', and no part named after a state");
		}
		try (SharedFile opened = SharedFile.openRegular(file)) {
			long size = opened.status().size();
			if (size > MAX_FILE_SIZE) {
				throw new IllegalArgumentException("is " + size + " bytes, more than the limit of " + MAX_FILE_SIZE);
			}
			byte[] bytes = opened.read((int) MAX_FILE_SIZE + 1);
			if (bytes.length > MAX_FILE_SIZE) {
				throw new IllegalArgumentException("grew past the limit of " + MAX_FILE_SIZE + " bytes as it was read");
			}
			String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
			AgentDefinition definition = parse(name, text);
			if (definition.runsCommand()) {
				StrictModes modes = StrictModes.ofThisProcess();
				try {
					modes.checkDefinition(file, opened.status());
					checkProgram(modes, environment, definition.command().get(0));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("names a command, but " + ex.getMessage(), ex);
				}
			}
			return definition;
		}
	}

	private static void checkProgram(StrictModes modes, CommandEnvironment environment, String name)
			throws IOException {
		Path program;
		try {
			program = environment.program(name);
		}
		catch (NoSuchFileException ex) {
			// Not installed yet: the attempt that runs it looks again, and fails saying so if it is still missing.
			return;
		}
		modes.checkProgram(program);
	}

	/** Why a program named by a relative path with a '/' is refused. */
	static String relativeProgram(String program) {
		return "command: " + ProgramPath.relativePathProblem(program);
	}

	/** Reads a definition's text; throws {@link IllegalArgumentException} with a one-line reason when it is bad. */
	static AgentDefinition parse(String name, String text) {
		FrontMatter front = FrontMatter.parse(text);
		if (front.problem() != null) {
			throw new IllegalArgumentException(front.problem());
		}
		Integer concurrency = front.wholeNumber("concurrency");
		if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
			throw new IllegalArgumentException("concurrency: must be between 1 and " + MAX_CONCURRENCY);
		}
		Double temperature = front.number("temperature");
		if (temperature != null && temperature < 0) {
			throw new IllegalArgumentException("temperature: must not be negative");
		}
		Boolean outside = front.bool("outside");
		List<String> command = command(front);
		String model = front.text("model");
		if (!command.isEmpty() && model != null) {
			throw new IllegalArgumentException("names both a command and a model: an agent runs one or the other");
		}
		if (!command.isEmpty() && Boolean.TRUE.equals(outside)) {
			throw new IllegalArgumentException("names a command and says it is outside: Spool runs a command itself");
		}
		Integer budget = front.wholeNumber("budget_daily_tokens");
		if (budget != null && budget < 1) {
			throw new IllegalArgumentException("budget_daily_tokens: must be at least 1");
		}
		List<String> environment = front.list("env", "the name of an environment variable",
				(value) -> Optional.of(value.strip()).filter(CommandEnvironment::isName));
		if (!environment.isEmpty() && command.isEmpty()) {
			throw new IllegalArgumentException("env: names variables for a command, but there is no command");
		}
		List<String> tools = tools(front);
		if (!tools.isEmpty() && (!command.isEmpty() || Boolean.TRUE.equals(outside))) {
			throw new IllegalArgumentException("tools: are offered to a model, but this agent "
					+ (command.isEmpty() ? "is outside Spool" : "runs a command") + ", which asks no model");
		}
		return new AgentDefinition(name, model, temperature, (concurrency != null) ? concurrency : 1,
				front.list("roles", "text", Optional::of), front.body(), Boolean.TRUE.equals(outside), command,
				(budget != null) ? budget.longValue() : null, environment, tools, Boolean.TRUE.equals(front.bool("review")));
	}

	/** What the model may use: {@code spool}, or the name of an MCP server in {@code mcp.json}, each once. */
	private static List<String> tools(FrontMatter front) {
		List<String> tools = front.list("tools", "spool or an MCP server's name (letters, digits, _ . -)",
				(value) -> Optional.of(value.strip()).filter((tool) -> TOOL_NAME.matcher(tool).matches()));
		Set<String> seen = new HashSet<>();
		for (String tool : tools) {
			if (!seen.add(tool)) {
				throw new IllegalArgumentException("tools: lists " + tool + " twice");
			}
		}
		return tools;
	}

	private static List<String> command(FrontMatter front) {
		List<String> command = front.strings("command");
		if (command == null) {
			return List.of();
		}
		if (command.isEmpty()) {
			throw new IllegalArgumentException("command: is an empty list; name the program to run, then its arguments");
		}
		if (command.get(0).isBlank()) {
			throw new IllegalArgumentException("command: the program to run (item 1) is empty");
		}
		if (command.stream().anyMatch((argument) -> argument.indexOf('\0') >= 0)) {
			throw new IllegalArgumentException("command: an argument holds a NUL character");
		}
		// Run from the workspace, its working folder, a relative path would run whatever is found there; a script
		// kept beside the definitions is named by its absolute path, and is then checked like any program.
		String program = command.get(0);
		if (ProgramPath.isRelativePath(program)) {
			throw new IllegalArgumentException(relativeProgram(program));
		}
		return command;
	}

}
