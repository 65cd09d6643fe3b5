package dev.spool.budget;

import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The workspace's budget, {@code spool.budget.*}.
 *
 * @param dailyTokens the most tokens all agents together may use in a UTC day, or null for no limit
 */
@Validated
@ConfigurationProperties("spool.budget")
public record BudgetProperties(@Positive Long dailyTokens) {
}
