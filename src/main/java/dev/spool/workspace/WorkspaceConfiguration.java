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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

/** Opens the configured workspace at start, with the rules and records the features contribute. */
@Configuration(proxyBeanMethods = false)
class WorkspaceConfiguration {

	private static final Log logger = LogFactory.getLog(WorkspaceConfiguration.class);

	@Bean
	Workspace workspace(SpoolProperties properties, ObjectProvider<StartRule> startRules,
			ObjectProvider<OwnerHistory> owners, Clock clock, ApplicationEventPublisher events) {
		Workspace.Settings settings = new Workspace.Settings(properties.fsync(),
				properties.maxPromptSize().toBytes(), properties.maxAttempts(), properties.maxDependencyDepth(),
				new DelegationLimits(properties.maxDelegationDepth(), properties.maxSubtasks()));
		Workspace.Extensions extensions = new Workspace.Extensions(startRules.orderedStream().toList(),
				owners.getIfAvailable(() -> OwnerHistory.NONE));
		try {
			Workspace workspace = Workspace.open(properties.workspace(), settings, extensions, clock,
					(change) -> events.publishEvent(new TaskChangedEvent(events, change)));
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

	/**
	 * A change to a task as Spring publishes it, which its {@code @EventListener}s take as the {@link TaskChanged}
	 * itself. Its type is worked out once for each kind of change: for a change published as a plain object, Spring
	 * builds it again for the event and for every listener it calls, about 3 % of a task's CPU with a dozen listeners
	 * and three changes a task.
	 */
	static final class TaskChangedEvent extends PayloadApplicationEvent<TaskChanged> {

		private static final ClassValue<Types> TYPES = new ClassValue<>() {

			@Override
			protected Types computeValue(Class<?> kind) {
				ResolvableType payload = ResolvableType.forClass(kind);
				return new Types(payload, ResolvableType.forClassWithGenerics(PayloadApplicationEvent.class, payload));
			}

		};

		TaskChangedEvent(Object source, TaskChanged change) {
			super(source, change, TYPES.get(change.getClass()).payload());
		}

		@Override
		public ResolvableType getResolvableType() {
			return TYPES.get(getPayload().getClass()).event();
		}

		private record Types(ResolvableType payload, ResolvableType event) {
		}

	}

	@Bean
	TaskStore taskStore(Workspace workspace) {
		return workspace.store();
	}

	@Bean
	AttemptNotes attemptNotes(Workspace workspace) {
		return workspace.attemptNotes();
	}

	@Bean
	TaskIndex taskIndex(Workspace workspace) {
		return workspace.index();
	}

	@Bean
	WorkspaceLayout workspaceLayout(Workspace workspace) {
		return workspace.layout();
	}

}
