package dev.spool.health;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What Spool's health checks demand.
 * @param minFreeSpace the free space on the workspace's file system below which Spool reports itself down: answers,
 * records and the manifest can no longer be written safely
 */
@ConfigurationProperties("spool.health")
public record HealthProperties(@DefaultValue("100MB") DataSize minFreeSpace) {
}
