package dev.spool.orchestrator;

import java.time.Clock;

import dev.spool.SpoolProperties;
import dev.spool.workspace.TaskStore;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Schedules the sweep for stale claims at the heartbeat interval. */
@Configuration(proxyBeanMethods = false)
class OrchestratorConfiguration implements SchedulingConfigurer {

	private final SpoolProperties properties;

	private final StaleClaimSweeper sweeper;

	OrchestratorConfiguration(SpoolProperties properties, TaskStore store, Clock clock) {
		this.properties = properties;
		this.sweeper = new StaleClaimSweeper(store, clock, properties.staleAfter(), properties.heartbeatInterval());
	}

	@Bean
	StaleClaimSweeper staleClaimSweeper() {
		return this.sweeper;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this.sweeper::sweep, this.properties.heartbeatInterval());
	}

}
