package dev.spool.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code /v3/api-docs} describes every {@code /api} route the application serves, with its errors and examples. */
@WebTest
class OpenApiTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void everyApiRouteIsDescribedWithASummaryAndItsResponses() throws Exception {
		JsonNode paths = document().path("paths");
		List<String> routes = new ArrayList<>();
		for (RequestMappingInfo mapping : this.mappings.getHandlerMethods().keySet()) {
			for (String pattern : mapping.getPatternValues()) {
				if (pattern.startsWith("/api/") || pattern.equals("/api")) {
					for (RequestMethod method : mapping.getMethodsCondition().getMethods()) {
						routes.add(method + " " + pattern);
					}
				}
			}
		}
		assertThat(routes).as("routes under /api").hasSizeGreaterThanOrEqualTo(16);
		for (String route : routes) {
			String[] parts = route.split(" ");
			JsonNode operation = paths.path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
			assertThat(operation.isObject()).as("%s in the document", route).isTrue();
			assertThat(operation.path("summary").asString()).as("summary of %s", route).isNotBlank();
			assertThat(operation.path("responses").propertyNames()).as("responses of %s", route).isNotEmpty();
			if (parts[1].contains("{")) {
				assertThat(operation.path("responses").path("404").path("content").has("application/problem+json"))
					.as("the 404 of %s, as a problem detail", route).isTrue();
				assertThat(operation.path("parameters").get(0).path("description").asString())
					.as("the path parameter of %s", route).isNotBlank();
			}
		}
	}

	@Test
	void everyRequestBodyHasAnExampleAndDescribedFieldsAndEveryPostSaysWhatA400Means() throws Exception {
		JsonNode document = document();
		for (String path : List.of("/api/tasks", "/api/goals", "/api/pipelines")) {
			JsonNode post = document.path("paths").path(path).path("post");
			assertThat(post.path("responses").path("400").path("description").asString()).as("400 of %s", path)
				.isNotBlank();
			String schema = post.at("/requestBody/content/application~1json/schema/$ref").asString();
			JsonNode body = document.at("/components/schemas/" + schema.substring(schema.lastIndexOf('/') + 1));
			assertThat(body.path("example").isMissingNode()).as("example of %s", path).isFalse();
			assertThat(body.path("required").size()).as("required fields of %s", path).isPositive();
			body.path("properties").properties().forEach((field) -> assertThat(field.getValue().has("description")
					|| field.getValue().has("$ref") || field.getValue().path("items").has("$ref"))
				.as("description of %s in %s", field.getKey(), path)
				.isTrue());
		}
	}

	@Test
	void swaggerUiIsServed() throws Exception {
		this.mvc.perform(get("/swagger-ui/index.html")).andExpect(status().isOk());
	}

	private JsonNode document() throws Exception {
		String json = this.mvc.perform(get("/v3/api-docs"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		return JsonMapper.shared().readTree(json);
	}

}
