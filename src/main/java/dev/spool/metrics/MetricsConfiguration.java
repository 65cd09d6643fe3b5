package dev.spool.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import dev.spool.workspace.TaskIndex;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spool's own meters, beside Spring AI's model-call observations and the JVM's. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	@Bean
	SpoolMetrics spoolMetrics(MeterRegistry registry, TaskIndex index) {
		return new SpoolMetrics(registry, index);
	}

}
