package dev.spool.web;

import java.nio.file.Path;

import dev.spool.workspace.TaskStore;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static dev.spool.workspace.TaskBuilder.aTask;

/** The board of a workspace with no task yet says how to add one; "No tasks match." is for a search that finds none. */
@SpringBootTest(properties = "spool.fsync=false")
@AutoConfigureMockMvc
class EmptyWorkspaceTests {

	private static final Path WORKSPACE = TestWorkspaces.create("empty");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
	}

	@Autowired
	MockMvc mvc;

	@Autowired
	TaskStore store;

	@Test
	void anEmptyWorkspaceSaysHowToAddATaskAndASearchThatFindsNothingSaysSo() throws Exception {
		this.mvc.perform(get("/"))
			.andExpect(content().string(allOf(containsString("No tasks yet."), containsString("href=\"#submit\""),
					containsString("POST /api/tasks"), not(containsString("No tasks match.")))));

		this.store.create(aTask("A prompt").titled("The only task").held().build());

		this.mvc.perform(get("/").param("q", "words in no task"))
			.andExpect(content().string(allOf(containsString("No tasks match."), not(containsString("No tasks yet.")))));
	}

}
