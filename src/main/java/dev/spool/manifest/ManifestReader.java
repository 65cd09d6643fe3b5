package dev.spool.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.AgentNames;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceJson;
import dev.spool.workspace.WorkspaceLayout;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the manifest as every reader must: the snapshot {@code manifest.json}, then each whole line of
 * {@code manifest.journal} applied in order (the last line for an id wins; a line marked {@code "removed": true}
 * drops the id), but only if the journal's first line names the snapshot's {@code generation}. A last line without
 * its newline is an append under way or cut off by a crash, and is ignored, as is any line that does not parse.
 */
public final class ManifestReader {

	private static final Pattern GENERATION = Pattern.compile("\"generation\"\\s*:\\s*\"([^\"]*)\"");

	/** How far into either file its generation is looked for: it is the first field of each. */
	private static final int HEAD = 512;

	private static final Log logger = LogFactory.getLog(ManifestReader.class);

	private ManifestReader() {
	}

	/**
	 * Owners recorded by the manifest, which the files alone cannot tell for a shell agent's finished task: agents'
	 * names given as text, anything else ignored; empty for a new workspace or a manifest that cannot be read, which is
	 * then rebuilt.
	 */
	public static Map<TaskId, String> owners(WorkspaceLayout layout) {
		try {
			ManifestFiles files = ManifestFiles.of(layout);
			// Read as a stream, keeping two fields an entry: a tree of a 100,000-task manifest held about 110 MB at
			// once, at every start.
			Map<String, String> byId = new HashMap<>();
			try (JsonParser parser = WorkspaceJson.MAPPER.createParser(files.snapshot())) {
				if (parser.nextToken() != JsonToken.START_OBJECT) {
					throw new StreamReadException(parser, "manifest.json is not a JSON object");
				}
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String field = parser.currentName();
					JsonToken value = parser.nextToken();
					if ("tasks".equals(field) && value == JsonToken.START_ARRAY) {
						for (JsonToken entry = parser.nextToken(); entry != null && entry != JsonToken.END_ARRAY;
								entry = parser.nextToken()) {
							if (entry == JsonToken.START_OBJECT) {
								owner(parser, byId);
							}
							else {
								parser.skipChildren();
							}
						}
					}
					else {
						parser.skipChildren();
					}
				}
			}
			applyJournal(files, byId, (line) -> line.path("owner").isString() ? line.path("owner").asString() : null);
			Map<TaskId, String> owners = new HashMap<>();
			byId.forEach((id, owner) -> {
				// Only an agent's name: the manifest is a file anyone who writes the workspace may edit.
				if (owner != null && AgentNames.isValid(owner)) {
					TaskId.parse(id).ifPresent((task) -> owners.put(task, owner));
				}
			});
			return owners;
		}
		catch (NoSuchFileException ex) {
			// A new workspace.
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Could not read the previous " + layout.manifest() + ", rebuilding it: " + ex.getMessage());
		}
		return Map.of();
	}

	/** One entry's id and owner, the parser on the entry's start; the last of an id wins, as in a merged read. */
	private static void owner(JsonParser parser, Map<String, String> byId) {
		String id = null;
		String owner = null;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String field = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("id".equals(field) && value == JsonToken.VALUE_STRING) {
				id = parser.getString();
			}
			else if ("owner".equals(field) && value == JsonToken.VALUE_STRING) {
				owner = parser.getString();
			}
			else {
				parser.skipChildren();
			}
		}
		byId.put((id != null) ? id : "", owner);
	}

	/**
	 * The manifest of the workspace at this folder, merged: {@code {"generation": ..., "tasks": [...]}}, in the
	 * snapshot's order with tasks new since then at the end.
	 * @throws NoSuchFileException if there is no {@code manifest.json}
	 * @throws JacksonException if {@code manifest.json} is not JSON
	 */
	public static JsonNode read(Path workspace) throws IOException {
		return read(new WorkspaceLayout(workspace));
	}

	/** Like {@link #read(Path)}, for an opened workspace's folders. */
	public static JsonNode read(WorkspaceLayout layout) throws IOException {
		ManifestFiles files = ManifestFiles.of(layout);
		JsonNode root = WorkspaceJson.MAPPER.readTree(files.snapshot());
		Map<String, JsonNode> tasks = new LinkedHashMap<>();
		for (JsonNode task : root.path("tasks")) {
			tasks.put(task.path("id").asString(""), task);
		}
		applyJournal(files, tasks, (line) -> line);
		ObjectNode merged = WorkspaceJson.MAPPER.createObjectNode();
		if (files.generation() != null) {
			merged.put("generation", files.generation());
		}
		ArrayNode list = merged.putArray("tasks");
		tasks.values().forEach(list::add);
		return merged;
	}

	/** Like {@link #read(WorkspaceLayout)}, as JSON text in the workspace's dialect, for serving as a file. */
	public static byte[] readBytes(WorkspaceLayout layout) throws IOException {
		return WorkspaceJson.MAPPER.writeValueAsBytes(read(layout));
	}

	/** The generation a snapshot or journal names in its first bytes, or null. */
	public static String generation(byte[] content) {
		if (content == null) {
			return null;
		}
		Matcher matcher = GENERATION.matcher(new String(content, 0, Math.min(content.length, HEAD),
				StandardCharsets.UTF_8));
		return matcher.find() ? matcher.group(1) : null;
	}

	/**
	 * Applies the journal's lines to what the snapshot said of each task, when the journal follows this snapshot: the
	 * last line for an id wins, and a line marked {@code "removed": true} drops the id.
	 */
	private static <T> void applyJournal(ManifestFiles files, Map<String, T> byId, Function<JsonNode, T> value) {
		if (!files.journalApplies()) {
			return;
		}
		eachLine(files.journal(), (line) -> {
			String id = line.path("id").asString(null);
			if (line.path("removed").asBoolean(false)) {
				byId.remove(id);
			}
			else {
				byId.put(id, value.apply(line));
			}
		});
	}

	/** Each whole line of the journal after its first that parses and names an id, in order. */
	private static void eachLine(byte[] journal, Consumer<JsonNode> action) {
		int start = indexOf(journal, 0) + 1;
		for (int end = indexOf(journal, start); end >= 0; start = end + 1, end = indexOf(journal, start)) {
			if (end == start) {
				continue;
			}
			JsonNode line;
			try {
				line = WorkspaceJson.MAPPER.readTree(new String(journal, start, end - start, StandardCharsets.UTF_8));
			}
			catch (JacksonException ex) {
				// A line glued to one a crash cut off; the writer that follows starts on a new line.
				continue;
			}
			if (line.path("id").asString(null) != null) {
				action.accept(line);
			}
		}
	}

	private static int indexOf(byte[] content, int from) {
		for (int i = from; i < content.length; i++) {
			if (content[i] == '\n') {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The snapshot and the journal as read together, the journal first: a compaction replaces the snapshot first, so
	 * a journal read first is never newer than the snapshot, and a mismatch means a newer snapshot, which stands alone.
	 */
	private record ManifestFiles(byte[] snapshot, byte[] journal, String generation) {

		static ManifestFiles of(WorkspaceLayout layout) throws IOException {
			byte[] journal = readJournal(layout);
			byte[] snapshot = Files.readAllBytes(layout.manifest());
			String generation = ManifestReader.generation(snapshot);
			if (generation != null && !generation.equals(ManifestReader.generation(journal))) {
				// Maybe the journal was replaced by the compaction that wrote this snapshot, just after our first read.
				journal = readJournal(layout);
			}
			return new ManifestFiles(snapshot, journal, generation);
		}

		boolean journalApplies() {
			return this.generation != null && this.generation.equals(ManifestReader.generation(this.journal));
		}

		private static byte[] readJournal(WorkspaceLayout layout) throws IOException {
			try {
				return Files.readAllBytes(layout.manifestJournal());
			}
			catch (NoSuchFileException ex) {
				return new byte[0];
			}
		}

	}

}
