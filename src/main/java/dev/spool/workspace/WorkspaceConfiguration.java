package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.SettingProblem;
import dev.spool.SpoolProperties;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/** Opens the configured workspace at start and keeps it watched while Spool runs. */
@Configuration(proxyBeanMethods = false)
class WorkspaceConfiguration {

	private static final Log logger = LogFactory.getLog(WorkspaceConfiguration.class);

	@Bean
	Workspace workspace(SpoolProperties properties, Clock clock, ApplicationEventPublisher events) {
		Workspace.Settings settings = new Workspace.Settings(properties.fsync(),
				properties.maxPromptSize().toBytes(), properties.maxAttempts(), properties.maxDependencyDepth());
		try {
			Workspace workspace = Workspace.open(properties.workspace(), settings, clock, events::publishEvent);
			SharingCheck.problems(workspace.layout()).forEach((problem) -> logger.warn("Shared workspace: " + problem));
			return workspace;
		}
		catch (IOException ex) {
			throw unusable(properties.workspace(), ex);
		}
	}

	/** Says which file stood in the way, and why, instead of a stack trace from deep inside the file layer. */
	private static SettingProblem unusable(Path workspace, IOException ex) {
		String where = workspace.toString();
		String why = ex.toString();
		if (ex instanceof FileSystemException failed) {
			where = (failed.getFile() != null) ? failed.getFile() : where;
			why = (failed.getReason() != null) ? failed.getReason()
					: (ex instanceof AccessDeniedException) ? "permission denied" : failed.getClass().getSimpleName();
		}
		return new SettingProblem("spool.workspace", workspace.toString(),
				"Spool cannot use it as its workspace: " + where + ": " + why + ".",
				"Set spool.workspace to a folder this user can create and write (Spool makes tasks/, outputs/, agents/ "
						+ "and .spool/ in it), or move away the file that stands in the way.",
				ex);
	}

	@Bean
	TaskStore taskStore(Workspace workspace) {
		return workspace.store();
	}

	@Bean
	Archive archive(Workspace workspace) {
		return workspace.archive();
	}

	@Bean
	AttemptRecords attemptRecords(Workspace workspace) {
		return new AttemptRecords(workspace.layout(), workspace.index());
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
