package dev.spool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Loads the classes a start of Spool loads, in the order it loads them, on a thread of its own while the main thread
 * starts Spool: the main thread, which starts everything in turn, then finds most of its classes already read and
 * defined by the other processor. Classes are loaded, not initialized: no static initializer runs earlier or on
 * another thread than it would have.
 * <p>
 * The list ({@value #LIST}) is the JVM's own class list ({@code -XX:DumpLoadedClassList}) of a start of Spool, written
 * by the build (pom.xml, {@code startup-classes}). A class the list names that is no longer there is skipped. Nothing
 * is preloaded without the list, on one processor, in a run that exits once started ({@code spring.context.exit}:
 * the build's own run and the class data archive's), or with a class data archive ({@code -XX:SharedArchiveFile},
 * as the container image starts): the JVM then maps the classes ready-made, and preloading only costs time.
 */
final class ClassPreloader {

	static final String LIST = "META-INF/spool-startup-classes.txt";

	private ClassPreloader() {
	}

	/** Starts preloading the listed classes with this loader, if there is a list and a processor to spare. */
	static void start(ClassLoader loader) {
		if (Runtime.getRuntime().availableProcessors() < 2 || System.getProperty("spring.context.exit") != null) {
			return;
		}
		InputStream list = loader.getResourceAsStream(LIST);
		if (list == null) {
			return;
		}
		Thread thread = new Thread(() -> {
			if (!classDataArchived()) {
				preload(list, loader);
			}
		}, "spool-preload");
		thread.setDaemon(true);
		thread.start();
	}

	/** Whether this JVM maps an archive of the application's classes (asked on the preloading thread: it loads). */
	private static boolean classDataArchived() {
		try {
			HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			return hotSpot != null && !hotSpot.getVMOption("SharedArchiveFile").getValue().isEmpty();
		}
		catch (RuntimeException | LinkageError ex) {
			// Not HotSpot, or without its management module: preload anyway.
			return false;
		}
	}

	/** Loads each class the list names, in order; returns how many were loaded. */
	static int preload(InputStream list, ClassLoader loader) {
		int loaded = 0;
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
			String line;
			while ((line = lines.readLine()) != null) {
				String name = className(line);
				if (name != null && load(name, loader)) {
					loaded++;
				}
			}
		}
		catch (IOException ex) {
			// A list that cannot be read to its end preloads less; the main thread loads the rest as it would anyway.
		}
		return loaded;
	}

	/**
	 * The class a line of the JVM's class list names ({@code java/lang/Object id: 0}), or null for a comment
	 * ({@code #}), a directive ({@code @lambda-proxy ...}) or a blank line.
	 */
	static String className(String line) {
		if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '@') {
			return null;
		}
		int end = line.indexOf(' ');
		String name = (end < 0) ? line : line.substring(0, end);
		return name.isEmpty() ? null : name.replace('/', '.');
	}

	private static boolean load(String name, ClassLoader loader) {
		try {
			Class.forName(name, false, loader);
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// Gone or changed since the list was written: the main thread meets it, if ever, as it would have.
			return false;
		}
	}

}
