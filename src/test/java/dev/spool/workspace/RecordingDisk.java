package dev.spool.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A disk that notes every call {@link AtomicFiles} makes, naming files relative to a workspace's root, and fails the
 * calls it is told to as a full or failing disk does, until it is healed.
 */
class RecordingDisk implements Disk {

	/** The calls, as the notes name them. */
	enum Call {

		WRITE, FORCE, SYNC, CREATE, LINK, RENAME, REPLACE, DELETE;

		String word() {
			return name().toLowerCase();
		}

	}

	static final String NO_SPACE = "No space left on device";

	static final String IO_ERROR = "Input/output error";

	private final Path root;

	private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

	private final List<Sync> syncs = Collections.synchronizedList(new ArrayList<>());

	private volatile Call failing;

	private volatile String failingFolder;

	private volatile String message;

	private volatile boolean linkInsteadOfRename;

	private volatile String failedCall;

	RecordingDisk(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	/** From now on, every call of this kind on a file in this folder (relative to the root) fails with the message. */
	void fail(Call call, String folder, String message) {
		this.failing = call;
		this.failingFolder = folder;
		this.message = message;
	}

	void heal() {
		this.failing = null;
	}

	/** The first call that failed, as {@link #calls()} names it. */
	String failedCall() {
		return this.failedCall;
	}

	/** Behaves as a system without a rename that refuses to replace: moves link and unlink. */
	void linkInsteadOfRename() {
		this.linkInsteadOfRename = true;
	}

	/** The calls so far, such as {@code link outputs/task_001_result.md}; unique parts of names are {@code *}. */
	List<String> calls() {
		synchronized (this.calls) {
			return List.copyOf(this.calls);
		}
	}

	/** The folder flushes so far, each with the names the folder held as it began. */
	List<Sync> syncs() {
		synchronized (this.syncs) {
			return List.copyOf(this.syncs);
		}
	}

	void forget() {
		this.calls.clear();
		this.syncs.clear();
		this.failedCall = null;
	}

	@Override
	public void write(Path file, FileChannel channel, ByteBuffer content) throws IOException {
		note(Call.WRITE, file);
		if (fails(Call.WRITE, file.getParent())) {
			// A full disk takes part of a file before it refuses the rest.
			ByteBuffer half = content.duplicate();
			half.limit(half.position() + half.remaining() / 2);
			channel.write(half);
			throw new IOException(this.message);
		}
		Disk.super.write(file, channel, content);
	}

	@Override
	public void force(Path file, FileChannel channel) throws IOException {
		note(Call.FORCE, file);
		if (fails(Call.FORCE, file.getParent())) {
			throw new IOException(this.message);
		}
		Disk.super.force(file, channel);
	}

	@Override
	public void forceFolder(Path folder) throws IOException {
		note(Call.SYNC, folder);
		if (fails(Call.SYNC, folder)) {
			throw new IOException(this.message);
		}
		// Only the names there when the flush begins are sure to be flushed.
		Sync sync = new Sync(this.calls.size() - 1, relative(folder), names(folder));
		Disk.super.forceFolder(folder);
		this.syncs.add(sync);
	}

	@Override
	public void createNew(Path file) throws IOException {
		note(Call.CREATE, file);
		if (fails(Call.CREATE, file.getParent())) {
			throw new FileSystemException(file.toString(), null, this.message);
		}
		Disk.super.createNew(file);
	}

	@Override
	public void link(Path link, Path existing) throws IOException {
		note(Call.LINK, link);
		if (fails(Call.LINK, link.getParent())) {
			throw new FileSystemException(link.toString(), existing.toString(), this.message);
		}
		Disk.super.link(link, existing);
	}

	@Override
	public void replace(Path source, Path target) throws IOException {
		note(Call.REPLACE, target);
		if (fails(Call.REPLACE, target.getParent())) {
			throw new FileSystemException(source.toString(), target.toString(), this.message);
		}
		Disk.super.replace(source, target);
	}

	@Override
	public boolean renameWithoutReplacing(Path source, Path target) throws IOException {
		if (this.linkInsteadOfRename) {
			return false;
		}
		note(Call.RENAME, target);
		if (fails(Call.RENAME, target.getParent())) {
			throw new FileSystemException(source.toString(), target.toString(), this.message);
		}
		return Disk.super.renameWithoutReplacing(source, target);
	}

	@Override
	public void delete(Path file) throws IOException {
		note(Call.DELETE, file);
		if (fails(Call.DELETE, file.getParent())) {
			throw new FileSystemException(file.toString(), null, this.message);
		}
		Disk.super.delete(file);
	}

	private void note(Call call, Path file) {
		this.calls.add(call.word() + " " + relative(file));
	}

	private boolean fails(Call call, Path folder) {
		if (call != this.failing || !relative(folder).equals(this.failingFolder)) {
			return false;
		}
		if (this.failedCall == null) {
			this.failedCall = this.calls.get(this.calls.size() - 1);
		}
		return true;
	}

	String relative(Path file) {
		String relative = this.root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
		return relative.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*");
	}

	private static Set<String> names(Path folder) throws IOException {
		try (Stream<Path> names = Files.list(folder)) {
			return names.map((path) -> path.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	/**
	 * One flush of a folder.
	 *
	 * @param call the flush's position among the calls
	 * @param folder the folder, relative to the root
	 * @param names what the folder held as the flush began
	 */
	record Sync(int call, String folder, Set<String> names) {
	}

}
