package dev.spool.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * A search narrows the state chips' counts as well as the rows, choosing a chip keeps the search, the agent filter
 * offers the agents Spool knows (those defined and those that held a task), and the board sorts by its columns.
 */
@WebTest
class BoardSearchTests {

	private static final Path WORKSPACE = TestWorkspaces.create("board-search");

	/** A word only the searched-for tasks carry. */
	private static final String WORD = "heron" + UUID.randomUUID().toString().substring(0, 8);

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	private static final List<String> ABOUT = new ArrayList<>();

	private static String cancelled;

	private static String outsider;

	@Autowired
	MockMvc mvc;

	@BeforeAll
	static void fill(@Autowired TaskStore store) {
		for (int i = 0; i < 7; i++) {
			ABOUT.add(store.create(aTask("About a " + WORD + ", " + i).held().build())
				.id()
				.text());
		}
		for (int i = 0; i < 30; i++) {
			store.create(aTask("Something else " + UUID.randomUUID()).held().build());
		}
		TaskId toCancel = store.create(aTask("A cancelled " + WORD).held().build()).id();
		store.cancel(toCancel);
		cancelled = toCancel.text();
		outsider = store
			.create(aTask("For the outsider " + UUID.randomUUID()).forAgent("outsider").build())
			.id()
			.text();
	}

	@Test
	void theChipsCountWhatTheSearchFindsAndKeepItWhileTheTitleCountsTheWorkspace() throws Exception {
		String page = page("/?q=" + WORD);

		assertThat(chip(page, "pending")).isEqualTo(7);
		assertThat(chip(page, "cancelled")).isEqualTo(1);
		assertThat(page).containsPattern("all <strong>8</strong>");
		assertThat(page).contains("href=\"/?state=cancelled&amp;q=" + WORD + "&amp;page=1\"");
		assertThat(page).contains("data-count=\"pending\" data-total=\"38\"");
		assertThat(page).contains("<title>0 running · 38 pending · 0 failed · Tasks · Spool</title>");

		String cancelled = page("/?state=cancelled&q=" + WORD);
		assertThat(rows(cancelled)).hasSize(1);
		assertThat(chip(cancelled, "pending")).as("the other chips still count the search").isEqualTo(7);
	}

	@Test
	void theAgentFilterOffersTheAgentsSpoolKnows() throws Exception {
		String page = page("/");

		assertThat(page).contains("<select name=\"agent\">", "<option value=\"agent_a\">agent_a</option>",
				"<option value=\"agent_b\">agent_b</option>");
		String outsider = page("/?agent=outsider");
		assertThat(rows(outsider)).hasSize(1);
		assertThat(outsider).as("a name given in the address is offered, chosen")
			.contains("<option value=\"outsider\" selected=\"selected\">outsider</option>");
		assertThat(chip(outsider, "pending")).isEqualTo(1);
	}

	@Test
	void theBoardSortsByTitleAcrossItsPagesAndTheHeaderSaysSo() throws Exception {
		String first = page("/?sort=title&dir=asc");
		String second = page("/?sort=title&dir=asc&page=2");

		List<String> ids = new ArrayList<>(rows(first));
		ids.addAll(rows(second));
		assertThat(ids).as("every task once, over both pages").hasSize(39).doesNotHaveDuplicates();
		assertThat(ids.subList(0, 9)).as("'A cancelled', 'About a … 0' to '… 6', 'For the outsider'")
			.containsExactlyElementsOf(concat(List.of(cancelled), ABOUT, List.of(outsider)));
		List<String> titles = new ArrayList<>(titles(first));
		titles.addAll(titles(second));
		assertThat(titles).isSortedAccordingTo(String.CASE_INSENSITIVE_ORDER);

		assertThat(Pattern.compile("aria-sort=").matcher(first).results().count()).as("sorted columns").isEqualTo(1);
		assertThat(first).contains("<th scope=\"col\" aria-sort=\"ascending\"><a class=\"sort\" href=\"/?sort=title&amp;dir=desc&amp;page=1\"");
		assertThat(first).as("another column sorts in its own first direction")
			.contains("href=\"/?sort=attempts&amp;dir=desc&amp;page=1\"", "href=\"/?sort=state&amp;dir=asc&amp;page=1\"");
		assertThat(page("/?sort=title&dir=desc")).contains("aria-sort=\"descending\"");
		assertThat(rows(page("/?sort=title&dir=desc")).get(0)).isEqualTo(rows(second).get(rows(second).size() - 1));
	}

	@Test
	void theOrderSurvivesTheLiveRefreshTheSearchAndTheChips() throws Exception {
		String sorted = page("/?q=" + WORD + "&sort=state&dir=desc");

		assertThat(rows(sorted)).as("cancelled after pending, so first going down").startsWith(cancelled).hasSize(8);
		assertThat(sorted).contains("data-live=\"/?q=" + WORD + "&amp;sort=state&amp;dir=desc&amp;page=1\"");
		assertThat(sorted).contains("<input type=\"hidden\" name=\"sort\" value=\"state\">",
				"<input type=\"hidden\" name=\"dir\" value=\"desc\">");
		assertThat(sorted).contains("href=\"/?state=pending&amp;q=" + WORD + "&amp;sort=state&amp;dir=desc&amp;page=1\"");
		String fragment = this.mvc.perform(get("/?q=" + WORD + "&sort=state&dir=desc").header("HX-Request", "true"))
			.andReturn()
			.getResponse()
			.getContentAsString();
		assertThat(rows(fragment)).isEqualTo(rows(sorted));
		assertThat(rows(page("/?q=" + WORD + "&sort=state&dir=asc"))).endsWith(cancelled);
		assertThat(rows(page("/?sort=nonsense&dir=sideways"))).as("an unknown order is the default, newest first")
			.isEqualTo(rows(page("/")));
	}

	private String page(String address) throws Exception {
		return this.mvc.perform(get(address)).andReturn().getResponse().getContentAsString();
	}

	private static long chip(String page, String state) {
		Matcher matcher = Pattern.compile("<strong data-count=\"" + state + "\"[^>]*>(\\d+)</strong>").matcher(page);
		assertThat(matcher.find()).as("the %s chip", state).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private static List<String> titles(String page) {
		return Pattern.compile("<tr data-task=\"task_\\d+\"[^>]*>\\s*<td>.*?</td>\\s*<td>\\s*<span>([^<]*)</span>", Pattern.DOTALL)
			.matcher(page)
			.results()
			.map((m) -> m.group(1))
			.toList();
	}

	@SafeVarargs
	private static List<String> concat(List<String>... lists) {
		return Stream.of(lists).flatMap(List::stream).toList();
	}

	private static List<String> rows(String page) {
		return Pattern.compile("<tr data-task=\"(task_\\d+)\"").matcher(page).results().map((m) -> m.group(1)).toList();
	}

}
