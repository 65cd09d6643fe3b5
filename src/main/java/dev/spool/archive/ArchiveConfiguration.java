package dev.spool.archive;

import java.io.IOException;
import java.io.UncheckedIOException;

import dev.spool.workspace.Workspace;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The workspace's archive, with what a stopped process left half-archived finished at start. */
@Configuration(proxyBeanMethods = false)
class ArchiveConfiguration {

	@Bean
	Archive archive(Workspace workspace) {
		try {
			return Archive.of(workspace);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not finish archiving what a stopped process left half-moved", ex);
		}
	}

	@Bean
	ArchivedTasks archivedTasks(Workspace workspace) {
		return new ArchivedTasks(workspace.layout());
	}

}
