package dev.spool.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceJson;
import dev.spool.workspace.WorkspaceLayout;

import tools.jackson.core.JacksonException;
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
	 * Owners recorded by the manifest, which the files alone cannot tell for a shell agent's finished task; empty
	 * for a new workspace or a manifest that cannot be read, which is then rebuilt.
	 */
	public static Map<TaskId, String> owners(WorkspaceLayout layout) {
		Map<TaskId, String> owners = new HashMap<>();
		try {
			for (JsonNode entry : read(layout).path("tasks")) {
				String owner = entry.path("owner").asString(null);
				TaskId.parse(entry.path("id").asString(null)).ifPresent((id) -> {
					if (owner != null) {
						owners.put(id, owner);
					}
				});
			}
		}
		catch (NoSuchFileException ex) {
			// A new workspace.
		}
		catch (IOException | JacksonException ex) {
			logger.warn("Could not read the previous " + layout.manifest() + ", rebuilding it: " + ex.getMessage());
		}
		return owners;
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
		// The journal before the snapshot: a compaction replaces the snapshot first, so a journal read first is never
		// newer than the snapshot, and a mismatch means a newer snapshot, which stands alone.
		byte[] journal = readJournal(layout);
		byte[] snapshot = Files.readAllBytes(layout.manifest());
		String generation = generation(snapshot);
		if (generation != null && !generation.equals(generation(journal))) {
			// Maybe the journal was replaced by the compaction that wrote this snapshot, just after our first read.
			journal = readJournal(layout);
		}
		JsonNode root = WorkspaceJson.MAPPER.readTree(snapshot);
		Map<String, JsonNode> tasks = new LinkedHashMap<>();
		for (JsonNode task : root.path("tasks")) {
			tasks.put(task.path("id").asString(""), task);
		}
		if (generation != null && generation.equals(generation(journal))) {
			apply(journal, tasks);
		}
		ObjectNode merged = WorkspaceJson.MAPPER.createObjectNode();
		if (generation != null) {
			merged.put("generation", generation);
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

	private static void apply(byte[] journal, Map<String, JsonNode> tasks) {
		int start = indexOf(journal, 0) + 1;
		for (int end = indexOf(journal, start); end >= 0; start = end + 1, end = indexOf(journal, start)) {
			if (end == start) {
				continue;
			}
			try {
				JsonNode line = WorkspaceJson.MAPPER.readTree(new String(journal, start, end - start,
						StandardCharsets.UTF_8));
				String id = line.path("id").asString(null);
				if (id == null) {
					continue;
				}
				if (line.path("removed").asBoolean(false)) {
					tasks.remove(id);
				}
				else {
					tasks.put(id, line);
				}
			}
			catch (JacksonException ex) {
				// A line glued to one a crash cut off; the writer that follows starts on a new line.
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

	private static byte[] readJournal(WorkspaceLayout layout) throws IOException {
		try {
			return Files.readAllBytes(layout.manifestJournal());
		}
		catch (NoSuchFileException ex) {
			return new byte[0];
		}
	}

}
