package dev.spool.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Over real HTTP: pages arrive compressed, and the stylesheet, script and icon are named for a year's caching. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "spool.fsync=false")
class StaticFilesTests {

	private static final Path WORKSPACE = TestWorkspaces.create("static-files");

	private static final Pattern VERSIONED = Pattern.compile("\"(/(spool|favicon)-[0-9a-f]{32}\\.(css|js|svg))\"");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void pagesArriveCompressedAndLinkStaticFilesByTheirContent() throws Exception {
		HttpResponse<byte[]> page = get("/", true);

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Encoding")).hasValue("gzip");
		String html = gunzip(page.body());
		assertThat(html).endsWith("</html>\n").contains("rel=\"icon\"");
		Matcher links = VERSIONED.matcher(html);
		int found = 0;
		while (links.find()) {
			found++;
			HttpResponse<byte[]> file = get(links.group(1), false);
			assertThat(file.statusCode()).as(links.group(1)).isEqualTo(200);
			assertThat(file.headers().firstValue("Cache-Control")).as("caching of %s", links.group(1))
				.hasValueSatisfying((value) -> assertThat(value).contains("max-age=31536000").doesNotContain("no-store"));
		}
		assertThat(found).as("versioned links to spool.css, spool.js and favicon.svg").isEqualTo(3);
	}

	@Test
	void theEventStreamIsNotCompressed() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/api/events"))
			.header("Accept-Encoding", "gzip")
			.header("Accept", "text/event-stream")
			.build();
		HttpResponse<InputStream> stream = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = stream.body()) {
			assertThat(stream.headers().firstValue("Content-Encoding")).isEmpty();
		}
	}

	private HttpResponse<byte[]> get(String path, boolean gzip) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		if (gzip) {
			request.header("Accept-Encoding", "gzip");
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static String gunzip(byte[] bytes) throws IOException {
		try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
