package dev.spool.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTests {

	private final Markdown markdown = new Markdown();

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

}
