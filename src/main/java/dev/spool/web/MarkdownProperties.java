package dev.spool.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How answers are rendered.
 * @param remoteImages whether an image from another site in a prompt or answer is shown; by default it becomes a link,
 * since fetching it would tell that site whatever a prompt injection put in its address
 */
@ConfigurationProperties("spool.markdown")
public record MarkdownProperties(@DefaultValue("false") boolean remoteImages) {
}
