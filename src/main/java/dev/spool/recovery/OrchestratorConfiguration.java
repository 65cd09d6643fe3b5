package dev.spool.recovery;

import java.time.Clock;

import dev.spool.SpoolProperties;
import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskStore;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Schedules the sweeps for stale claims and for dependants of failed tasks at the heartbeat interval, and the search
 * for committed answers left unpublished and for half-done moves at the rescan interval.
 */
@Configuration(proxyBeanMethods = false)
class OrchestratorConfiguration implements SchedulingConfigurer {

	private final SpoolProperties properties;

	private final StaleClaimSweeper sweeper;

	private final DependencyFailureSweeper dependencies;

	private final TaskStore store;

	OrchestratorConfiguration(SpoolProperties properties, TaskStore store, Clock clock,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.store = store;
		this.sweeper = new StaleClaimSweeper(store, clock, properties.staleAfter(), properties.heartbeatInterval(),
				events::publishEvent);
		this.dependencies = new DependencyFailureSweeper(store);
	}

	@Bean
	DependencyFailureSweeper dependencyFailureSweeper() {
		return this.dependencies;
	}

	@EventListener
	void on(TaskChanged changed) {
		this.dependencies.on(changed);
	}

	@Bean
	StaleClaimSweeper staleClaimSweeper() {
		return this.sweeper;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this.sweeper::sweep, this.properties.heartbeatInterval());
		registrar.addFixedDelayTask(this.dependencies::sweep, this.properties.heartbeatInterval());
		registrar.addFixedDelayTask(this.store::publishStalledCommits, this.properties.rescanInterval());
		registrar.addFixedDelayTask(this.store::repairInterruptedMoves, this.properties.rescanInterval());
	}

}
