package dev.spool.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.workspace.SharedFile;
import dev.spool.workspace.TaskDocument;
import dev.spool.workspace.TaskFile;
import dev.spool.workspace.WorkspaceLayout;

/**
 * The tasks in {@code archive/tasks/}, newest first, a page at a time: the names are listed again only when the folder
 * changed, and only the files on the page asked for are opened (as shared files: once, without following links) for
 * their title.
 */
public final class ArchivedTasks {

	private static final Log logger = LogFactory.getLog(ArchivedTasks.class);

	/** Enough of a task file for its front matter's title. */
	private static final int HEAD = 64 * 1024;

	private final WorkspaceLayout layout;

	private FileTime listedAt;

	private List<TaskFile> listed = List.of();

	ArchivedTasks(WorkspaceLayout layout) {
		this.layout = layout;
	}

	/** How many tasks are archived. */
	public int count() {
		return names().size();
	}

	/** Archived tasks from {@code offset} on, newest (highest id) first, at most {@code limit}. */
	public List<Entry> page(long offset, int limit) {
		List<Entry> entries = new ArrayList<>();
		for (TaskFile file : names().stream().skip(offset).limit(limit).toList()) {
			entries.add(entry(file));
		}
		return entries;
	}

	private synchronized List<TaskFile> names() {
		Path folder = this.layout.archivedTasks();
		FileTime modified;
		try {
			modified = Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException ex) {
			return List.of();
		}
		if (modified.equals(this.listedAt)) {
			return this.listed;
		}
		List<TaskFile> found = new ArrayList<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "task_*.md")) {
			for (Path path : stream) {
				TaskFile.parse(path.getFileName().toString())
					.filter((file) -> file.state().isFinished())
					.ifPresent(found::add);
			}
		}
		catch (NoSuchFileException ex) {
			// Nothing archived yet.
		}
		catch (IOException | DirectoryIteratorException ex) {
			logger.warn("Could not list " + folder + ": " + ex.getMessage());
			return this.listed;
		}
		found.sort(Comparator.comparing(TaskFile::id).reversed());
		this.listed = List.copyOf(found);
		this.listedAt = modified;
		return this.listed;
	}

	private Entry entry(TaskFile file) {
		Path path = this.layout.archivedTasks().resolve(file.fileName());
		try (SharedFile shared = SharedFile.openRegular(path)) {
			String text = new String(shared.read(HEAD), StandardCharsets.UTF_8);
			TaskDocument document = TaskDocument.parse(text);
			String title = Optional.ofNullable(document.title()).orElseGet(() -> firstLine(document.prompt()));
			return new Entry(file, title, shared.status().modified());
		}
		catch (IOException | RuntimeException ex) {
			return new Entry(file, "(cannot be read: " + ex.getMessage() + ")", null);
		}
	}

	private static String firstLine(String prompt) {
		if (prompt == null) {
			return null;
		}
		String line = prompt.strip().lines().findFirst().orElse("");
		return (line.length() > 80) ? line.substring(0, 80) + "…" : line;
	}

	/**
	 * One archived task.
	 *
	 * @param file its file name's parts: id and state
	 * @param title its title, or the start of its prompt
	 * @param finished when its file last changed, which is when it finished (a rename keeps the time), or null
	 */
	public record Entry(TaskFile file, String title, Instant finished) {
	}

}
