package dev.spool.workspace;

import java.io.IOException;
import java.time.Clock;

import dev.spool.SpoolProperties;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Opens the configured workspace at start and keeps it watched while Spool runs. */
@Configuration(proxyBeanMethods = false)
class WorkspaceConfiguration {

	@Bean
	Workspace workspace(SpoolProperties properties, Clock clock, ApplicationEventPublisher events)
			throws IOException {
		Workspace.Settings settings = new Workspace.Settings(properties.fsync(),
				properties.maxPromptSize().toBytes(), properties.maxAttempts());
		return Workspace.open(properties.workspace(), settings, clock, events::publishEvent);
	}

	@Bean
	TaskStore taskStore(Workspace workspace) {
		return workspace.store();
	}

	@Bean
	TaskIndex taskIndex(Workspace workspace) {
		return workspace.index();
	}

	@Bean
	WorkspaceLayout workspaceLayout(Workspace workspace) {
		return workspace.layout();
	}

	@Bean
	WorkspaceWatcher workspaceWatcher(Workspace workspace, SpoolProperties properties,
			ApplicationEventPublisher events) {
		return workspace.watcher(properties.rescanInterval(), properties.watch(), events::publishEvent);
	}

	@Bean
	ManifestUpdates manifestUpdates(Workspace workspace) {
		return new ManifestUpdates(workspace.manifest());
	}

	/** Rewrites the manifest after every change to what is known of the tasks. */
	static final class ManifestUpdates {

		private final ManifestWriter manifest;

		ManifestUpdates(ManifestWriter manifest) {
			this.manifest = manifest;
		}

		@EventListener
		void on(TaskChanged changed) {
			this.manifest.requestWrite(changed.id());
		}

	}

}
