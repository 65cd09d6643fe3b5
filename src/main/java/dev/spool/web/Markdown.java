package dev.spool.web;

import java.util.List;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;

import org.springframework.stereotype.Component;

/**
 * Renders prompts and answers as HTML safely: raw HTML in the Markdown is escaped, never passed through, and links and
 * images keep only {@code http}, {@code https} and {@code mailto} URLs. Tables are GitHub's, as models write them.
 */
@Component
public class Markdown {

	private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());

	private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();

	private final HtmlRenderer renderer = HtmlRenderer.builder()
		.extensions(EXTENSIONS)
		.escapeHtml(true)
		.sanitizeUrls(true)
		.urlSanitizer(new DefaultUrlSanitizer(List.of("http", "https", "mailto")))
		.build();

	public String toHtml(String markdown) {
		return (markdown == null) ? "" : this.renderer.render(this.parser.parse(markdown));
	}

}
