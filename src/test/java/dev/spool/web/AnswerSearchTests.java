package dev.spool.web;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spool.workspace.Answer;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static dev.spool.workspace.TaskBuilder.aTask;

/**
 * The board's search looks inside answers too, within bounds: the start of each answer, for words of three letters
 * or more, read once rather than on every search.
 */
@WebTest
class AnswerSearchTests {

	/** A word only one answer carries, near its start. */
	private static final String WORD = "osprey" + UUID.randomUUID().toString().substring(0, 8);

	/** A word one answer carries only far beyond its start. */
	private static final String DEEP = "grebe" + UUID.randomUUID().toString().substring(0, 8);

	private static String answered;

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@BeforeAll
	static void fill(@Autowired TaskStore store) {
		answered = done(store, "Write about birds", "Birds of the coast: the " + WORD + " dives for fish.");
		done(store, "Write at length", "Nothing to see. ".repeat(300) + DEEP);
		store.create(aTask("Still waiting " + UUID.randomUUID()).held().build());
	}

	@Test
	void aSearchFindsTheTaskWhoseAnswerHoldsTheWords() throws Exception {
		String page = page("/?q=" + WORD.toUpperCase());

		assertThat(rows(page)).containsExactly(answered);
		assertThat(page).as("the done chip counts what the search found").containsPattern("data-count=\"done\"[^>]*>1</strong>");
		assertThat(rows(page("/?q=" + DEEP))).as("words beyond the first %d characters of an answer", AnswerTexts.CHARS)
			.isEmpty();
	}

	@Test
	void anAnswerWrittenAfterASearchIsFoundByTheNext() throws Exception {
		String word = "tern" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(rows(page("/?q=" + word))).isEmpty();

		String later = done(this.store, "Answered after the first search", "The " + word + " flies south.");

		assertThat(rows(page("/?q=" + word))).containsExactly(later);
	}

	@Test
	void wordsShorterThanThreeLettersAreNotLookedForInAnswers() throws Exception {
		String twoLetters = WORD.substring(0, 2).equals("os") ? "fi" : "os"; // "fish" in the first answer
		// Other tests' tasks in the shared workspace may hold the two letters in a prompt or a title.
		assertThat(rows(page("/?q=" + twoLetters))).doesNotContain(answered);
		assertThat(rows(page("/?q=fis"))).contains(answered);
	}

	private static String done(TaskStore store, String prompt, String answer) {
		Task task = store.create(aTask(prompt).held().build());
		store.complete(store.claim(store.index().find(task.id()).orElseThrow(), "nobody").orElseThrow(),
				new Answer(answer, "stub-model", false, null));
		return task.id().text();
	}

	private String page(String address) throws Exception {
		return this.mvc.perform(get(address)).andReturn().getResponse().getContentAsString();
	}

	private static List<String> rows(String page) {
		return Pattern.compile("<tr data-task=\"(task_\\d+)\"").matcher(page).results().map((m) -> m.group(1)).toList();
	}

}
