package dev.spool.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** On a system without mkfifo (played by a command that does not exist), fifo is refused and files still works. */
@WebTest
class PipelineWithoutFifoTests {

	private static final Path WORKSPACE = TestWorkspaces.create("no-fifo");

	@DynamicPropertySource
	static void workspace(DynamicPropertyRegistry registry) {
		registry.add("spool.workspace", WORKSPACE::toString);
		registry.add("spool.pipes.mkfifo-command", () -> "/nonexistent/mkfifo");
	}

	@Autowired
	MockMvc mvc;

	@Test
	void fifoIsRefusedWithAClearErrorAndNothingIsWritten() throws Exception {
		java.util.List<Path> before = taskFiles();
		this.mvc
			.perform(post("/api/pipelines").contentType(MediaType.APPLICATION_JSON)
				.content(PipelineApiTests.twoStages("fifo")))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value(containsString("named pipes")));

		assertThat(taskFiles()).isEqualTo(before);
		assertThat(WORKSPACE.resolve("pipes")).as("the probe's pipe is gone").isEmptyDirectory();
	}

	@Test
	void theFormOffersFifoDisabledWithTheReasonAndRefusesItWithoutWriting() throws Exception {
		java.util.List<Path> before = taskFiles();
		this.mvc.perform(get("/"))
			.andExpect(content().string(allOf(containsString("id=\"fifo-note\""), containsString("needs named"),
					containsString("value=\"fifo\" aria-describedby=\"fifo-note\" disabled=\"disabled\">"))));

		this.mvc.perform(post("/tasks").with(csrf()).param("kind", "pipeline").param("transport", "fifo")
			.param("prompt", "Write\n---\nRead"))
			.andExpect(status().isBadRequest())
			.andExpect(content().string(containsString("transport fifo needs named pipes")));

		assertThat(taskFiles()).isEqualTo(before);
	}

	@Test
	void filesStillWorks() throws Exception {
		this.mvc
			.perform(post("/api/pipelines").contentType(MediaType.APPLICATION_JSON)
				.content(PipelineApiTests.twoStages("files")))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.stages.length()").value(2));
	}

	private static java.util.List<Path> taskFiles() throws IOException {
		try (Stream<Path> files = Files.list(WORKSPACE.resolve("tasks"))) {
			return files.toList();
		}
	}

}
