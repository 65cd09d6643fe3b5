package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh workspace folders for Spring contexts, made before the context starts. */
public final class TestWorkspaces {

	private TestWorkspaces() {
	}

	public static Path create(String name) {
		try {
			Path folder = Files.createTempDirectory("spool-" + name + "-");
			folder.toFile().deleteOnExit();
			return folder;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
