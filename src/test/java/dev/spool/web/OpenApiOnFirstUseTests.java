package dev.spool.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springdoc.core.providers.ObjectMapperProvider;

import dev.spool.SpoolApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's description and Swagger UI are built at their first request, not at start (springdoc's mappers load 800
 * classes that only those pages use), and then say what they said before: Swagger UI is pointed at Spool's
 * description. And a start says nothing it need not: springdoc's warnings that its pages are on, as Spool wants, and
 * Spring's that the MCP annotation scanner's beans are not post-processed, are gone; what is left of a start without a
 * model key is the one warning that says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenApiOnFirstUseTests {

	/** A warning or an error logged on the thread that starts Spool. */
	private static final Pattern STARTS_WARNING = Pattern.compile("\\s(WARN|ERROR)\\s.*\\[\\s*main\\]");

	private final HttpClient http = HttpClient.newHttpClient();

	@TempDir
	Path workspace;

	@Test
	void theDescriptionAndSwaggerUiAreBuiltAtTheirFirstRequest(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class)
			.run("--server.port=0", "--spool.workspace=" + this.workspace)) {
			assertThat(mappersBuilt(spool)).as("springdoc's mappers at start").isFalse();
			assertThat(output.getAll().lines().filter(STARTS_WARNING.asPredicate()))
				.as("what a start without a model key warns of, on the thread that starts Spool")
				.singleElement(InstanceOfAssertFactories.STRING)
				.contains("No model API key is configured");

			HttpResponse<String> initializer = get(spool, "/swagger-ui/swagger-initializer.js");
			assertThat(initializer.statusCode()).isEqualTo(200);
			assertThat(initializer.body()).contains("\"configUrl\" : \"/v3/api-docs/swagger-config\"");
			HttpResponse<String> description = get(spool, "/v3/api-docs");
			assertThat(description.statusCode()).isEqualTo(200);
			assertThat(description.body()).contains("\"/api/tasks\"", "\"title\":\"Spool\"");
			assertThat(mappersBuilt(spool)).isTrue();
		}
	}

	private static boolean mappersBuilt(ConfigurableApplicationContext spool) {
		for (String name : spool.getBeanNamesForType(ObjectMapperProvider.class, true, false)) {
			if (spool.getBeanFactory().containsSingleton(name)) {
				return true;
			}
		}
		return false;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext spool, String path) throws Exception {
		int port = ((WebServerApplicationContext) spool).getWebServer().getPort();
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
