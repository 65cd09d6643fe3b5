package dev.spool.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Image;
import org.commonmark.node.Node;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.NodeRenderer;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlNodeRendererContext;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;

import org.springframework.stereotype.Component;

/**
 * Renders prompts and answers as HTML safely: raw HTML in the Markdown is escaped, never passed through, and links and
 * images keep only {@code http}, {@code https} and {@code mailto} URLs. An image from another site becomes a link
 * with its alt text unless {@code spool.markdown.remote-images} allows it: a browser that fetched it would hand the
 * address (and whatever an injected prompt put in it) to that site. Tables are GitHub's, as models write them.
 */
@Component
public class Markdown {

	private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());

	private static final UrlSanitizer URLS = new DefaultUrlSanitizer(List.of("http", "https", "mailto"));

	/** Inline images of the kinds browsers show; an SVG could carry links, so it is not among them. */
	private static final Pattern DATA_IMAGE = Pattern.compile("(?i)data:image/(png|gif|jpeg|webp);base64,[a-z0-9+/=]*");

	private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

	private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();

	private final HtmlRenderer renderer;

	public Markdown(MarkdownProperties properties) {
		this.renderer = HtmlRenderer.builder()
			.extensions(EXTENSIONS)
			.escapeHtml(true)
			.sanitizeUrls(true)
			.urlSanitizer(URLS)
			.nodeRendererFactory((context) -> new ImageRenderer(context, properties.remoteImages()))
			.build();
	}

	public String toHtml(String markdown) {
		return (markdown == null) ? "" : this.renderer.render(this.parser.parse(markdown));
	}

	/** Whether a URL names another site: it has a scheme, or starts with {@code //}. */
	static boolean isRemote(String url) {
		String trimmed = url.strip();
		return trimmed.startsWith("//") || trimmed.startsWith("\\\\") || SCHEME.matcher(trimmed).find();
	}

	/** Images: this site's and small inline ones as images; another site's as a link, unless allowed. */
	private static final class ImageRenderer implements NodeRenderer {

		private final HtmlNodeRendererContext context;

		private final boolean remoteImages;

		ImageRenderer(HtmlNodeRendererContext context, boolean remoteImages) {
			this.context = context;
			this.remoteImages = remoteImages;
		}

		@Override
		public Set<Class<? extends Node>> getNodeTypes() {
			return Set.of(Image.class);
		}

		@Override
		public void render(Node node) {
			Image image = (Image) node;
			String url = image.getDestination();
			boolean inline = DATA_IMAGE.matcher(url.strip()).matches();
			if (inline || !isRemote(url) || (this.remoteImages && isWeb(url))) {
				Map<String, String> attributes = new LinkedHashMap<>();
				attributes.put("src", inline ? url.strip() : this.context.encodeUrl(URLS.sanitizeImageUrl(url)));
				attributes.put("alt", altText(image));
				if (image.getTitle() != null) {
					attributes.put("title", image.getTitle());
				}
				this.context.getWriter().tag("img", this.context.extendAttributes(image, "img", attributes), true);
				return;
			}
			String alt = altText(image);
			String href = URLS.sanitizeLinkUrl(url);
			if (href.isEmpty()) {
				this.context.getWriter().text(alt);
				return;
			}
			Map<String, String> attributes = new LinkedHashMap<>();
			attributes.put("href", this.context.encodeUrl(href));
			attributes.put("class", "remote-image");
			attributes.put("rel", "noreferrer nofollow");
			attributes.put("title", "an image on another site, not loaded");
			this.context.getWriter().tag("a", this.context.extendAttributes(image, "a", attributes));
			this.context.getWriter().text(alt.isBlank() ? "image" : alt);
			this.context.getWriter().tag("/a");
		}

		private static boolean isWeb(String url) {
			String lower = url.strip().toLowerCase(Locale.ROOT);
			return lower.startsWith("https:") || lower.startsWith("http:") || lower.startsWith("//");
		}

		private static String altText(Image image) {
			StringBuilder alt = new StringBuilder();
			image.accept(new AbstractVisitor() {
				@Override
				public void visit(Text text) {
					alt.append(text.getLiteral());
				}

				@Override
				public void visit(Code code) {
					alt.append(code.getLiteral());
				}

				@Override
				public void visit(SoftLineBreak softLineBreak) {
					alt.append('\n');
				}

				@Override
				public void visit(HardLineBreak hardLineBreak) {
					alt.append('\n');
				}
			});
			return alt.toString();
		}

	}

}
