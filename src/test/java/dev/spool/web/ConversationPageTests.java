package dev.spool.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.spool.workspace.NewTask;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * A task's conversation with its tools on its page and through the API: shown escaped and shortened on the page, whole
 * in the JSON, and a file planted in its place (a link, a pipe, garbage, a huge file) shown as what it is, never
 * followed, waited on or failed over.
 */
@WebTest
class ConversationPageTests {

	private static final Path CONVERSATIONS = SharedWorkspace.folder().resolve(".spool").resolve("conversations");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String SCRIPT = "<script>window.pwned=1</script>";

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@Test
	void eachCallIsShownWithItsArgumentsAndItsResultEscapedAndShortenedAndTheApiHasItWhole() throws Exception {
		Task task = aTaskNoOneTakes("Looks things up with tools");
		String longResult = SCRIPT + "x".repeat(5000);
		write(task, line("2026-12-05T10:00:00Z", "Let me look <b>closer</b>.",
				call("call_1", "get_task", "{\"id\":\"task_001\",\"note\":\"" + SCRIPT.replace("\"", "\\\"") + "\"}")),
				result("2026-12-05T10:00:01Z", "call_1", "get_task", longResult),
				line("2026-12-05T10:00:02Z", "", call("call_2", "wait_task", "{\"id\":\"task_009\"}"),
						call("call_3", "read_answer", "not json <i>")));

		String page = page(task);

		assertThat(page).contains("id=\"conversation\"", "3 tool calls", "Let me look &lt;b&gt;closer&lt;/b&gt;.",
				"get_task", "&quot;id&quot; : &quot;task_001&quot;", "not json &lt;i&gt;",
				"&lt;script&gt;window.pwned=1&lt;/script&gt;xxx", "The start of 5,031 characters",
				"waiting for", "href=\"/tasks/task_009\"", "no result yet",
				"href=\"/api/tasks/" + task.id() + "/conversation\"")
			.doesNotContain(SCRIPT, "<b>closer", "x".repeat(2001));
		JsonNode json = api(task, 200);
		assertThat(json.path("id").asString()).isEqualTo(task.id().text());
		JsonNode first = json.path("turns").get(0);
		assertThat(first.path("at").asString()).isEqualTo("2026-12-05T10:00:00Z");
		assertThat(first.path("text").asString()).isEqualTo("Let me look <b>closer</b>.");
		assertThat(first.at("/calls/0/result").asString()).as("the whole result").isEqualTo(longResult);
		assertThat(first.at("/calls/0/answeredAt").asString()).isEqualTo("2026-12-05T10:00:01Z");
		assertThat(json.at("/turns/1/calls/0/name").asString()).isEqualTo("wait_task");
		assertThat(json.at("/turns/1/calls/0/result").isNull()).as("a call without its result").isTrue();

		String fragment = this.mvc.perform(get("/tasks/" + task.id() + "/conversation").header("HX-Request", "true"))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(fragment.strip()).startsWith("<div id=\"conversation\"").contains("get_task").doesNotContain("<html");
		this.mvc.perform(get("/tasks/" + task.id() + "/conversation"))
			.andExpect(redirectedUrl("/tasks/" + task.id() + "#conversation"));
	}

	@Test
	void aTaskWithoutAConversationHasNoSectionAndNoTurnsAndAnUnknownTaskIsNotFound() throws Exception {
		Task task = aTaskNoOneTakes("Uses no tools");

		assertThat(page(task)).doesNotContain("Conversation", "conversation-title");
		assertThat(api(task, 200).path("turns").isEmpty()).isTrue();
		this.mvc.perform(get("/api/tasks/task_99999/conversation")).andExpect(status().isNotFound());
		this.mvc.perform(get("/api/tasks/nonsense/conversation")).andExpect(status().isBadRequest());
	}

	@Test
	void aLinkPlantedInPlaceOfTheFileIsNotFollowedAndTheReaderIsToldWhy() throws Exception {
		Task task = aTaskNoOneTakes("Its conversation is a link to a secret");
		Path secret = Files.writeString(SharedWorkspace.folder().resolve("secret.jsonl"),
				line("2026-12-05T10:00:00Z", "SECRET TEXT", call("call_s", "get_task", "{}")) + "\n");
		Files.createDirectories(CONVERSATIONS);
		Files.createSymbolicLink(CONVERSATIONS.resolve(task.id() + ".jsonl"), secret);

		assertThat(page(task)).contains("Cannot be shown:", "symbolic link").doesNotContain("SECRET TEXT");
		JsonNode problem = api(task, 409);
		assertThat(problem.path("detail").asString()).contains(task.id() + "'s conversation cannot be shown",
				"symbolic link");
	}

	@Test
	void aPipePlantedInPlaceOfTheFileIsNotWaitedOn() throws Exception {
		Task task = aTaskNoOneTakes("Its conversation is a pipe no one writes");
		Files.createDirectories(CONVERSATIONS);
		Process mkfifo = new ProcessBuilder("mkfifo", CONVERSATIONS.resolve(task.id() + ".jsonl").toString()).start();
		assertThat(mkfifo.waitFor()).isZero();

		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			assertThat(page(task)).contains("Cannot be shown:", "pipe");
			assertThat(api(task, 409).path("detail").asString()).contains("pipe");
		});
	}

	@Test
	void garbageAndAHugeFileAreShownAsWhatTheyAre() throws Exception {
		Task garbage = aTaskNoOneTakes("Its conversation is garbage");
		Files.createDirectories(CONVERSATIONS);
		Files.writeString(CONVERSATIONS.resolve(garbage.id() + ".jsonl"), "{\"role\":\"assistant\"}\nnot json\n");
		Task huge = aTaskNoOneTakes("Its conversation is huge");
		Files.write(CONVERSATIONS.resolve(huge.id() + ".jsonl"), new byte[17 * 1024 * 1024]);

		assertThat(page(garbage)).contains("Cannot be shown:", "line 1, is not what Spool writes");
		assertThat(api(garbage, 409).path("detail").asString()).contains("is not what Spool writes");
		assertThat(page(huge)).contains("Cannot be shown:", "is larger than");
		assertThat(api(huge, 409).path("detail").asString()).contains("is larger than");
	}

	private Task aTaskNoOneTakes(String prompt) {
		return this.store.create(new NewTask(prompt, prompt, "nobody", 0, List.of(), null));
	}

	private String page(Task task) throws Exception {
		return this.mvc.perform(get("/tasks/" + task.id()))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
	}

	private JsonNode api(Task task, int status) throws Exception {
		return JSON.readTree(this.mvc.perform(get("/api/tasks/" + task.id() + "/conversation"))
			.andExpect(status().is(status))
			.andReturn()
			.getResponse()
			.getContentAsString());
	}

	private static void write(Task task, String... lines) throws Exception {
		Files.createDirectories(CONVERSATIONS);
		Files.writeString(CONVERSATIONS.resolve(task.id() + ".jsonl"), String.join("\n", lines) + "\n");
	}

	private static String line(String at, String text, String... calls) {
		return "{\"at\":\"" + at + "\",\"role\":\"assistant\",\"text\":" + JSON.writeValueAsString(text)
				+ ",\"tool_calls\":[" + String.join(",", calls) + "]}";
	}

	private static String call(String id, String name, String arguments) {
		return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"arguments\":" + JSON.writeValueAsString(arguments)
				+ "}";
	}

	private static String result(String at, String id, String name, String content) {
		return "{\"at\":\"" + at + "\",\"role\":\"tool\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"content\":"
				+ JSON.writeValueAsString(content) + "}";
	}

}
