package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Request bodies are read strictly: a value of the wrong JSON type, or a field the API does not have, is a {@code 400}
 * naming the field, and nothing is written. Every field of every request is tried with every wrong type.
 */
@WebTest
class StrictJsonTests {

	private static final Path WORKSPACE = TestWorkspaces.create("strict-json");

	/** Each request: where it goes, a valid body, and the JSON type of each of its fields. */
	private static final List<Request> REQUESTS = List.of(
			new Request("/api/tasks", "{\"prompt\":\"p\",\"agent\":\"nobody\"}",
					fields("prompt", "string", "title", "string", "agent", "string", "role", "string", "priority",
							"integer", "dependsOn", "list")),
			new Request("/api/goals", "{\"goal\":\"g\"}", fields("goal", "string", "title", "string", "priority", "integer")),
			new Request("/api/pipelines",
					"{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\",\"agent\":\"nobody\"},{\"prompt\":\"b\",\"agent\":\"nobody\"}]}",
					fields("transport", "string", "stages", "list")));

	/** Values of each JSON type that no field of another type accepts. */
	private static final Map<String, List<String>> WRONG = Map.of("string", List.of("42", "4.5", "true", "{}", "[\"a\"]"),
			"integer", List.of("\"5\"", "4.5", "true", "{}", "[1]"), "list", List.of("\"task_001\"", "7", "false", "{}"));

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	private long filesBefore;

	@BeforeEach
	void countFiles() throws IOException {
		this.filesBefore = taskFileCount();
	}

	@AfterEach
	void nothingWasWritten() throws IOException {
		assertThat(taskFileCount()).as("task files").isEqualTo(this.filesBefore);
	}

	static Stream<Arguments> wrongTypes() {
		List<Arguments> cases = new ArrayList<>();
		for (Request request : REQUESTS) {
			request.fields().forEach((field, type) -> {
				for (String value : WRONG.get(type)) {
					cases.add(Arguments.of(request.path(), request.with(field, value), field));
				}
			});
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("wrongTypes")
	void aValueOfTheWrongTypeIsRefusedNamingItsField(String path, String body, String field) throws Exception {
		this.mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(body))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value(field))
			.andExpect(jsonPath("$.detail").value(startsWith(field + ": expected ")));
	}

	@Test
	void aWrongTypeInsideAListNamesTheItem() throws Exception {
		this.mvc
			.perform(post("/api/pipelines").contentType(MediaType.APPLICATION_JSON)
				.content("{\"transport\":\"files\",\"stages\":[{\"prompt\":\"a\"},{\"prompt\":7}]}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("stages[1].prompt"))
			.andExpect(jsonPath("$.detail").value("stages[1].prompt: expected a string, got a number"));
		this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"p\",\"dependsOn\":[\"task_001\", 2]}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("dependsOn[1]"));
	}

	@Test
	void anUnknownFieldIsRefusedListingTheFieldsThereAre() throws Exception {
		this.mvc
			.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON)
				.content("{\"prompt\":\"p\",\"dependson\":[\"task_001\"]}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("dependson"))
			.andExpect(jsonPath("$.detail").value(
					"dependson: 'dependson' is not a field of this request (fields: agent, dependsOn, parent, priority, prompt, review, role, title)"));
	}

	@Test
	void malformedJsonSaysWhere() throws Exception {
		this.mvc.perform(post("/api/tasks").contentType(MediaType.APPLICATION_JSON).content("{\"prompt\":\"p\",}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(startsWith("the body is not valid JSON (line 1, column ")));
	}

	private static Map<String, String> fields(String... pairs) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			fields.put(pairs[i], pairs[i + 1]);
		}
		return fields;
	}

	private static long taskFileCount() throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.count();
		}
	}

	record Request(String path, String validBody, Map<String, String> fields) {

		/** The valid body with one field set to a raw JSON value (added if the body lacks it). */
		String with(String field, String value) {
			String key = "\"" + field + "\":";
			int at = this.validBody.indexOf(key);
			if (at < 0) {
				return "{" + key + value + "," + this.validBody.substring(1);
			}
			int start = at + key.length();
			int end = valueEnd(this.validBody, start);
			return this.validBody.substring(0, start) + value + this.validBody.substring(end);
		}

		private static int valueEnd(String json, int start) {
			int depth = 0;
			boolean quoted = false;
			for (int i = start; i < json.length(); i++) {
				char c = json.charAt(i);
				if (quoted) {
					quoted = c != '"' || json.charAt(i - 1) == '\\';
				}
				else if (c == '"') {
					quoted = true;
				}
				else if (c == '[' || c == '{') {
					depth++;
				}
				else if (c == ']' || c == '}') {
					if (depth == 0) {
						return i;
					}
					depth--;
				}
				else if (c == ',' && depth == 0) {
					return i;
				}
			}
			return json.length();
		}

	}

}
