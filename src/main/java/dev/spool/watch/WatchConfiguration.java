package dev.spool.watch;

import dev.spool.SpoolProperties;
import dev.spool.workspace.Workspace;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Keeps the workspace watched while Spool runs. */
@Configuration(proxyBeanMethods = false)
class WatchConfiguration {

	@Bean
	WorkspaceWatcher workspaceWatcher(Workspace workspace, SpoolProperties properties,
			ApplicationEventPublisher events) {
		return new WorkspaceWatcher(workspace, properties.rescanInterval(), properties.watch(), events::publishEvent);
	}

}
