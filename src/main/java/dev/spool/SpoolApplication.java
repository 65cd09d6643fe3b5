package dev.spool;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Spool: LLM agents that coordinate through a shared folder. */
@SpringBootApplication(proxyBeanMethods = false)
@ConfigurationPropertiesScan
@EnableScheduling
public class SpoolApplication {

	public static void main(String[] args) {
		ClassPreloader.start(SpoolApplication.class.getClassLoader());
		SpringApplication.run(SpoolApplication.class, args);
	}

	@Bean
	Clock clock() {
		return new MonotonicClock();
	}

}
