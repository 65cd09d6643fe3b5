package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where everything lives in a workspace. Spool's own bookkeeping sits in the hidden {@code .spool} folder: id
 * reservations, attempt records and results staged before their task is committed.
 */
public record WorkspaceLayout(Path root) {

	public WorkspaceLayout {
		root = root.toAbsolutePath().normalize();
	}

	public Path tasks() {
		return this.root.resolve("tasks");
	}

	public Path outputs() {
		return this.root.resolve("outputs");
	}

	public Path agents() {
		return this.root.resolve("agents");
	}

	/** Where outside agents leave notes of failed attempts, {@code <id>.<agent>.<unique>.md}. */
	public Path failures() {
		return this.root.resolve("failures");
	}

	public Path manifest() {
		return this.root.resolve("manifest.json");
	}

	/** The MCP servers whose tools agents may use, in the {@code mcpServers} form; see {@code dev.spool.mcpclient}. */
	public Path mcpServers() {
		return this.root.resolve("mcp.json");
	}

	/** Changes to the manifest since its last snapshot, one entry per line; see {@code dev.spool.manifest.ManifestReader}. */
	public Path manifestJournal() {
		return this.root.resolve("manifest.journal");
	}

	/** Finished tasks moved out of the way, under the same names: {@code archive/tasks}, {@code archive/outputs}. */
	public Path archive() {
		return this.root.resolve("archive");
	}

	public Path archivedTasks() {
		return archive().resolve("tasks");
	}

	public Path archivedOutputs() {
		return archive().resolve("outputs");
	}

	public Path archivedAttempts() {
		return archive().resolve("attempts");
	}

	public Path reservations() {
		return this.root.resolve(".spool").resolve("ids");
	}

	public Path attempts() {
		return this.root.resolve(".spool").resolve("attempts");
	}

	/** Which task each tool call that submits one made: {@code <parent id>.<hash of the call id>}, holding the id. */
	public Path toolCalls() {
		return this.root.resolve(".spool").resolve("calls");
	}

	/** Decisions on answers in review, {@code <id>.<key>.json}, and the answers not approved, {@code <id>.<key>.md}. */
	public Path reviews() {
		return this.root.resolve(".spool").resolve("reviews");
	}

	public Path staging() {
		return this.root.resolve(".spool").resolve("staging");
	}

	public Path task(TaskFile file) {
		return tasks().resolve(file.fileName());
	}

	public Path output(TaskId id) {
		return outputs().resolve(outputName(id));
	}

	public static String outputName(TaskId id) {
		return id.text() + "_result.md";
	}

	public Path reservation(TaskId id) {
		return reservations().resolve(id.text());
	}

	public Path attempt(TaskId id, int number) {
		return attempts().resolve(id.text() + "." + number + ".json");
	}

	/** Where temporary files are written before they are published. */
	public List<Path> foldersWithTemporaryFiles() {
		return List.of(this.root, tasks(), outputs(), failures(), reservations(), attempts(), staging(), reviews());
	}

	/** Creates the workspace folder and every sub-folder that is missing. */
	public void createFolders() throws IOException {
		for (Path folder : new Path[] { tasks(), outputs(), failures(), agents(), reservations(), attempts(), staging(),
				reviews() }) {
			Files.createDirectories(folder);
		}
	}

}
