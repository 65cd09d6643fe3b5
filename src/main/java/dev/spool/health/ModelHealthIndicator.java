package dev.spool.health;

import dev.spool.model.ModelGateway;
import dev.spool.model.ModelInfo;
import dev.spool.model.ModelOutcome;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * How the model endpoint answered last. A failed last call is reported, not counted as down: the endpoint may be
 * busy or rate-limited while Spool itself works, and agents retry with backoff.
 */
final class ModelHealthIndicator implements HealthIndicator {

	private final ModelGateway model;

	ModelHealthIndicator(ModelGateway model) {
		this.model = model;
	}

	@Override
	public Health health() {
		ModelInfo info = this.model.info();
		Health.Builder health = Health.up().withDetail("offline", info.offline()).withDetail("model", info.defaultModel());
		if (info.baseUrl() != null) {
			health.withDetail("baseUrl", info.baseUrl());
		}
		ModelOutcome last = this.model.lastOutcome().orElse(null);
		if (last == null) {
			return health.withDetail("lastCall", "none yet").build();
		}
		health.withDetail("lastCall", last.answered() ? "answered" : "failed").withDetail("lastCallAt", last.at());
		return last.answered() ? health.build() : health.withDetail("lastError", last.error()).build();
	}

}
