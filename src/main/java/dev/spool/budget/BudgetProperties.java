package dev.spool.budget;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The workspace's budget, {@code spool.budget.*}.
 *
 * @param dailyTokens the most tokens all agents together may use in a UTC day, or null for no limit
 */
@ConfigurationProperties("spool.budget")
public record BudgetProperties(Long dailyTokens) {

	public BudgetProperties {
		if (dailyTokens != null && dailyTokens <= 0) {
			throw new IllegalArgumentException("spool.budget.daily-tokens must be more than 0, not " + dailyTokens);
		}
	}
}
