package dev.spool.pipeline;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of fifo pipelines, {@code spool.pipes.*}.
 *
 * @param mkfifoCommand the command that makes a named pipe; one that cannot run turns fifo pipelines off
 * @param stallTimeout how long either end of a connected pipe waits for the other to move before its stage gives up
 * on the pipe
 */
@ConfigurationProperties("spool.pipes")
public record PipeProperties(@DefaultValue("mkfifo") String mkfifoCommand, @DefaultValue("60s") Duration stallTimeout) {
}
