package dev.spool.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;

import dev.spool.watch.WorkspaceReread;
import dev.spool.workspace.OwnerHistory;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.Workspace;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Writes the manifest once the workspace is open, again after every change, and a last time when the workspace
 * closes; and tells the workspace, as it opens, who did the finished tasks the manifest recorded.
 */
@Configuration(proxyBeanMethods = false)
class ManifestConfiguration {

	@Bean
	static OwnerHistory manifestOwners() {
		return ManifestReader::owners;
	}

	@Bean
	ManifestWriter manifestWriter(Workspace workspace) {
		ManifestWriter manifest = new ManifestWriter(workspace.layout(), workspace.files(), workspace.index());
		try {
			manifest.writeFirst();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + workspace.layout().manifest(), ex);
		}
		workspace.onClose(manifest::close);
		return manifest;
	}

	@Bean
	ManifestUpdates manifestUpdates(ManifestWriter manifest) {
		return new ManifestUpdates(manifest);
	}

	/** Rewrites the manifest after every change to what is known of the tasks, and after every full reading. */
	static final class ManifestUpdates {

		private final ManifestWriter manifest;

		ManifestUpdates(ManifestWriter manifest) {
			this.manifest = manifest;
		}

		@EventListener
		void on(TaskChanged changed) {
			this.manifest.requestWrite(changed.id());
		}

		@EventListener
		void on(WorkspaceReread reread) {
			this.manifest.requestWrite();
		}

	}

}
