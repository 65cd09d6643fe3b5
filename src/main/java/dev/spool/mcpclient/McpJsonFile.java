package dev.spool.mcpclient;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import dev.spool.program.ProgramPath;
import dev.spool.program.StrictModes;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.SharedFile;

/**
 * {@code mcp.json} as Spool takes it. Writing it means choosing programs Spool runs, so it is trusted exactly as a
 * command agent's definition is: opened once without following a link, and used only when no one but Spool's user and
 * root could have written it, its folders or the programs it names ({@link StrictModes}). A file that is refused
 * starts nothing.
 */
final class McpJsonFile {

	/** A few servers' command lines; a larger file is not a list of servers. */
	static final int MAX_SIZE = 256 * 1024;

	private final Path file;

	private final StrictModes modes;

	private final ProgramPath path;

	McpJsonFile(Path file, StrictModes modes, ProgramPath path) {
		this.file = file;
		this.modes = modes;
		this.path = path;
	}

	/**
	 * What the file says now.
	 * @param servers the servers that may be started, by name
	 * @param problems why each other server named is not started, by name
	 * @param fileProblem why the whole file is not used, or null
	 */
	record Contents(Map<String, McpServerSpec> servers, Map<String, String> problems, String fileProblem) {

		static final Contents NONE = new Contents(Map.of(), Map.of(), null);

		static Contents refused(String problem) {
			return new Contents(Map.of(), Map.of(), problem);
		}

	}

	Path path() {
		return this.file;
	}

	/** Reads the file again; nothing in it makes this throw. */
	Contents read() {
		try (SharedFile opened = SharedFile.openRegular(this.file)) {
			this.modes.checkFile(this.file, opened.status(), "mcp.json");
			return check(McpJson.parse(text(opened)));
		}
		catch (NoSuchFileException ex) {
			return Contents.NONE;
		}
		catch (SharedFile.RefusedFileException ex) {
			return Contents.refused("mcp.json " + ex.getReason() + ": it is not used, and no MCP server starts");
		}
		catch (CharacterCodingException ex) {
			return Contents.refused("mcp.json is not UTF-8 text");
		}
		catch (IllegalArgumentException ex) {
			String problem = ProblemText.oneLine(ex.getMessage());
			return Contents.refused(problem.startsWith("mcp.json") ? problem : "mcp.json " + problem);
		}
		catch (IOException ex) {
			return Contents.refused("mcp.json cannot be read: " + ProblemText.describe(ex));
		}
	}

	private static String text(SharedFile opened) throws IOException {
		long size = opened.status().size();
		byte[] bytes = opened.read(MAX_SIZE + 1);
		if (size > MAX_SIZE || bytes.length > MAX_SIZE) {
			throw new IllegalArgumentException("is more than the limit of " + MAX_SIZE + " bytes");
		}
		return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
	}

	/** Refuses each server whose program someone other than Spool's user or root could have chosen. */
	private Contents check(McpJson.Parsed parsed) throws IOException {
		Map<String, McpServerSpec> servers = new TreeMap<>(parsed.servers());
		Map<String, String> problems = new TreeMap<>(parsed.problems());
		for (McpServerSpec spec : parsed.servers().values()) {
			if (!spec.runsProgram()) {
				continue;
			}
			try {
				this.modes.checkProgram(this.path.find(spec.command()));
			}
			catch (NoSuchFileException ex) {
				// Not installed yet: looked for again when the server starts, which fails saying so if still missing.
			}
			catch (IllegalArgumentException ex) {
				servers.remove(spec.name());
				problems.put(spec.name(), "command: " + ProblemText.oneLine(ex.getMessage()));
			}
		}
		return new Contents(servers, problems, null);
	}

}
