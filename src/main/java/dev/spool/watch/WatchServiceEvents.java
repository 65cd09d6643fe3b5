package dev.spool.watch;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * File events from Java's {@code WatchService}, where there is no inotify: it cannot tell a rename from a create, nor
 * say when a writer closed a file, so files found through it are judged by their settling time.
 */
final class WatchServiceEvents implements FileEvents {

	private final WatchService service;

	private final Map<WatchKey, Path> folders = new HashMap<>();

	private WatchServiceEvents(WatchService service) {
		this.service = service;
	}

	static FileEvents watch(List<Path> folders) throws IOException {
		WatchServiceEvents events = new WatchServiceEvents(FileSystems.getDefault().newWatchService());
		try {
			for (Path folder : folders) {
				events.folders.put(folder.register(events.service, StandardWatchEventKinds.ENTRY_CREATE,
						StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY), folder);
			}
		}
		catch (IOException ex) {
			events.release();
			throw ex;
		}
		return events;
	}

	@Override
	public List<FileEvent> next(long timeoutNanos) throws InterruptedException {
		WatchKey key = this.service.poll(timeoutNanos, TimeUnit.NANOSECONDS);
		if (key == null) {
			return List.of();
		}
		Path folder = this.folders.get(key);
		List<FileEvent> events = new ArrayList<>();
		for (WatchEvent<?> event : key.pollEvents()) {
			if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
				events.add(FileEvent.overflow());
			}
			else if (folder != null) {
				FileEvent.Kind kind = (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) ? FileEvent.Kind.CREATED
						: (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) ? FileEvent.Kind.GONE
								: FileEvent.Kind.TOUCHED;
				events.add(new FileEvent(folder, event.context().toString(), kind));
			}
		}
		key.reset();
		return events;
	}

	@Override
	public void close() {
		release();
	}

	@Override
	public void release() {
		try {
			this.service.close();
		}
		catch (IOException ex) {
			// Closing on shutdown; nothing to do.
		}
	}

}
