package dev.spool.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the dashboard is served.
 * @param warmUp whether Spool opens its first page once itself, in the background as soon as it is ready, so that
 * the template engine's first use (about half a second) does not fall to the first person who opens the dashboard
 */
@ConfigurationProperties("spool.dashboard")
public record DashboardProperties(@DefaultValue("true") boolean warmUp) {
}
