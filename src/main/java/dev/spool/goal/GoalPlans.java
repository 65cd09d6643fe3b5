package dev.spool.goal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import dev.spool.workspace.AtomicFiles;
import dev.spool.workspace.SharedFile;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceLayout;

/**
 * The plans of goals, one file each in {@code .spool/plans/<goal id>.json}, published once and never replaced, and
 * the answers refused as plans, kept for inspection in {@code .spool/plans/<goal id>.rejected.<n>.txt}.
 */
final class GoalPlans {

	/** The largest plan file read: a plan of many steps, each with a long prompt, is far smaller. */
	public static final int MAX_PLAN_BYTES = 1024 * 1024;

	private final Path folder;

	private final AtomicFiles files;

	GoalPlans(WorkspaceLayout layout, AtomicFiles files) {
		this.folder = layout.root().resolve(".spool").resolve("plans");
		this.files = files;
	}

	public Path plan(TaskId goal) {
		return this.folder.resolve(goal.text() + ".json");
	}

	/** Whether the goal has a published plan, so no model call is needed to plan it. */
	public boolean isPublished(TaskId goal) {
		return Files.isRegularFile(plan(goal), LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * The goal's plan as published, or empty when it has none yet. Anyone who may write the folder may have put it
	 * there, so it is read as a shared file: never through a link, never from a pipe, and at most
	 * {@link #MAX_PLAN_BYTES}.
	 * @throws SharedFile.RefusedFileException if the name is not a regular file
	 * @throws PlanTooLargeException if the file is larger than {@link #MAX_PLAN_BYTES}
	 */
	public Optional<String> read(TaskId goal) throws IOException {
		byte[] bytes;
		try {
			bytes = SharedFile.readRegular(plan(goal), MAX_PLAN_BYTES + 1);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		if (bytes.length > MAX_PLAN_BYTES) {
			throw new PlanTooLargeException(plan(goal));
		}
		return Optional.of(new String(bytes, StandardCharsets.UTF_8));
	}

	/** A kept plan larger than any plan Spool writes. */
	public static final class PlanTooLargeException extends FileSystemException {

		PlanTooLargeException(Path file) {
			super(file.toString(), null, "is larger than " + MAX_PLAN_BYTES + " bytes, more than any plan Spool writes");
		}

	}

	/**
	 * Publishes the goal's plan unless it has one.
	 * @return the plan that counts: this one, or the one published first
	 */
	public String publishOnce(TaskId goal, String json) throws IOException {
		Files.createDirectories(this.folder);
		try {
			this.files.publishNew(plan(goal), json.getBytes(StandardCharsets.UTF_8));
			return json;
		}
		catch (FileAlreadyExistsException ex) {
			return read(goal).orElse(json);
		}
	}

	/**
	 * Moves the goal's plan aside, as {@code <id>.declined.<n>.json}, so that the goal is planned again: a person
	 * rejected it.
	 * @return false when it has no plan
	 */
	public boolean decline(TaskId goal) throws IOException {
		for (int n = 1;; n++) {
			try {
				return this.files.move(plan(goal), this.folder.resolve(goal.text() + ".declined." + n + ".json"));
			}
			catch (FileAlreadyExistsException ex) {
				// Declined before: the next number.
			}
		}
	}

	/** Keeps an answer that was refused as a plan; returns where, relative to the workspace. */
	public String keepRejected(TaskId goal, int attempt, String answer) throws IOException {
		Files.createDirectories(this.folder);
		Path file = rejected(goal, attempt);
		this.files.replace(file, answer.getBytes(StandardCharsets.UTF_8));
		return ".spool/plans/" + file.getFileName();
	}

	/**
	 * The answer an attempt's plan was refused for, as kept: read as a shared file, as a plan is.
	 * @throws NoSuchFileException if none was kept, or it was removed since
	 * @throws SharedFile.RefusedFileException if the name is not a regular file (a link, a pipe)
	 * @throws FileSystemException if it is larger than {@link #MAX_PLAN_BYTES}, more than Spool reads of it
	 */
	public String readRejected(TaskId goal, int attempt) throws IOException {
		Path file = rejected(goal, attempt);
		byte[] bytes = SharedFile.readRegular(file, MAX_PLAN_BYTES + 1);
		if (bytes.length > MAX_PLAN_BYTES) {
			throw new FileSystemException(file.toString(), null, "is larger than " + MAX_PLAN_BYTES
					+ " bytes, more than Spool reads of a refused answer");
		}
		return new String(bytes, StandardCharsets.UTF_8);
	}

	private Path rejected(TaskId goal, int attempt) {
		return this.folder.resolve(goal.text() + ".rejected." + attempt + ".txt");
	}

}
