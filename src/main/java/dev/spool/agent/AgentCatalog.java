package dev.spool.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import dev.spool.workspace.AgentNames;
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

	private final Path folder;

	private volatile Map<String, AgentDefinition> agents = Map.of();

	private final Map<String, String> problems = new ConcurrentHashMap<>();

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

	/** Files in {@code agents/} that could not be read, by file name, with the reason. */
	public Map<String, String> problems() {
		return Map.copyOf(this.problems);
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

	/** Reads every definition again; returns true when something changed. */
	synchronized boolean reload() {
		Map<String, AgentDefinition> loaded = new TreeMap<>();
		this.problems.clear();
		try {
			for (Path file : definitionFiles()) {
				String fileName = file.getFileName().toString();
				String name = fileName.substring(0, fileName.length() - 3);
				if (name.equals(ORCHESTRATOR)) {
					continue;
				}
				try {
					loaded.put(name, read(name, file));
				}
				catch (IOException | IllegalArgumentException | YAMLException ex) {
					this.problems.put(fileName, ex.getMessage());
					logger.warn("Skipping agent definition " + file + ": " + ex.getMessage());
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Could not list " + this.folder + ": " + ex.getMessage());
			return false;
		}
		boolean changed = !loaded.equals(this.agents);
		this.agents = Collections.unmodifiableMap(loaded);
		return changed;
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
		if (!AgentNames.isValid(name)) {
			throw new IllegalArgumentException("'" + name + "' is not a valid agent name: use lower-case letters,"
					+ " digits, '_' and '-', and no part named after a state");
		}
		return parse(name, Files.readString(file, StandardCharsets.UTF_8));
	}

	static AgentDefinition parse(String name, String text) {
		String normalized = text.replace("\r\n", "\n");
		Map<?, ?> fields = Map.of();
		String body = normalized;
		if (normalized.startsWith("---\n")) {
			int end = normalized.indexOf("\n---", 3);
			if (end < 0) {
				throw new IllegalArgumentException("front matter has no closing '---' line");
			}
			Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(normalized.substring(4, end + 1));
			if (loaded instanceof Map<?, ?> map) {
				fields = map;
			}
			else if (loaded != null) {
				throw new IllegalArgumentException("front matter is not a set of 'key: value' lines");
			}
			int bodyStart = normalized.indexOf('\n', end + 4);
			body = (bodyStart < 0) ? "" : normalized.substring(bodyStart + 1);
		}
		int concurrency = number(fields.get("concurrency"), 1).intValue();
		if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
			throw new IllegalArgumentException("concurrency must be between 1 and " + MAX_CONCURRENCY);
		}
		Object temperature = fields.get("temperature");
		Object model = fields.get("model");
		return new AgentDefinition(name, (model != null) ? model.toString() : null,
				(temperature != null) ? number(temperature, 0).doubleValue() : null, concurrency, roles(fields),
				body.strip());
	}

	private static Number number(Object value, Number fallback) {
		if (value == null) {
			return fallback;
		}
		if (value instanceof Number number) {
			return number;
		}
		try {
			return Double.valueOf(value.toString());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + value + "' is not a number");
		}
	}

	private static List<String> roles(Map<?, ?> fields) {
		Object roles = fields.get("roles");
		if (roles == null) {
			return List.of();
		}
		if (roles instanceof Collection<?> list) {
			return list.stream().map(String::valueOf).toList();
		}
		return List.of(roles.toString());
	}

}
