package dev.spool.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spool.manifest.ManifestReader;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static dev.spool.workspace.TaskBuilder.aTask;

/** The manifest page on a workspace of many tasks: newest first, a page at a time, and a fragment for live updates. */
@WebTest
class ManifestPageTests {

	private static final Path WORKSPACE = TestWorkspaces.create("manifest-page");

	private static final int TASKS = 130;

	private static final Pattern ENTRY = Pattern.compile("id=\"manifest-(task_\\d+)\"");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	private static List<String> created;

	@BeforeAll
	static void fill(@Autowired TaskStore store) {
		created = new ArrayList<>();
		for (int i = 0; i < TASKS; i++) {
			created.add(store.create(aTask("Hold " + UUID.randomUUID()).titled("Held " + i).held().build())
				.id()
				.text());
		}
		String newest = created.get(TASKS - 1);
		Awaitility.await()
			.atMost(Duration.ofSeconds(30))
			.until(() -> ManifestReader.read(WORKSPACE).toString().contains(newest));
	}

	@Test
	void theFirstPageShowsTheNewestFiftyAndSaysHowManyThereAre() throws Exception {
		String page = this.mvc.perform(get("/manifest")).andExpect(status().isOk()).andReturn().getResponse()
			.getContentAsString();

		assertThat(entries(page)).hasSize(ManifestPageController.PAGE_SIZE)
			.startsWith(created.get(TASKS - 1), created.get(TASKS - 2))
			.doesNotContain(created.get(0));
		assertThat(page).contains("Showing 1–50 of " + TASKS + ", newest first", "Page 1 of 3", "rel=\"next\"")
			.doesNotContain("rel=\"prev\"");
		assertThat(page).as("each entry leads to its task")
			.contains("<a href=\"/tasks/" + created.get(TASKS - 1) + "\">Open " + created.get(TASKS - 1) + "</a>");
	}

	@Test
	void theLastPageHoldsTheOldestAndAPageBeyondItShowsTheLast() throws Exception {
		String last = this.mvc.perform(get("/manifest").param("page", "3")).andReturn().getResponse()
			.getContentAsString();
		String beyond = this.mvc.perform(get("/manifest").param("page", "99")).andReturn().getResponse()
			.getContentAsString();

		assertThat(entries(last)).hasSize(TASKS - 2 * ManifestPageController.PAGE_SIZE).endsWith(created.get(0));
		assertThat(last).contains("Showing 101–130 of 130", "rel=\"prev\"").doesNotContain("rel=\"next\"");
		assertThat(entries(beyond)).isEqualTo(entries(last));
	}

	@Test
	void aLiveRefreshGetsOnlyTheEntriesOfItsPage() throws Exception {
		String fragment = this.mvc.perform(get("/manifest").param("page", "2").header("HX-Request", "true"))
			.andReturn().getResponse().getContentAsString();

		assertThat(fragment).startsWith("<div id=\"manifest-entries\"").contains("data-live=\"/manifest?page=2\"")
			.doesNotContain("<html");
		assertThat(entries(fragment)).hasSize(ManifestPageController.PAGE_SIZE)
			.startsWith(created.get(TASKS - 1 - ManifestPageController.PAGE_SIZE));
	}

	private static List<String> entries(String html) {
		List<String> ids = new ArrayList<>();
		Matcher matcher = ENTRY.matcher(html);
		while (matcher.find()) {
			ids.add(matcher.group(1));
		}
		return ids;
	}

}
