package dev.spool.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.manifest.ManifestReader;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The manifest (its snapshot with its journal applied), newest task first, fifty collapsible entries a page that
 * update live, with a link to the whole JSON.
 */
@Controller
class ManifestPageController {

	/** Entries per page: the manifest of a large workspace is megabytes, a page is tens of kilobytes. */
	static final int PAGE_SIZE = 50;

	private static final Comparator<JsonNode> NEWEST_FIRST = ManifestPageController::newestFirst;

	private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final WorkspaceLayout layout;

	ManifestPageController(WorkspaceLayout layout) {
		this.layout = layout;
	}

	@GetMapping("/manifest")
	String manifest(@RequestHeader(name = "HX-Request", required = false) String fragment,
			@RequestParam(defaultValue = "1") int page, Model model) throws IOException {
		long snapshotSize = Files.size(this.layout.manifest());
		model.addAttribute("path", this.layout.manifest().toString());
		model.addAttribute("size", snapshotSize + journalSize());
		try {
			List<JsonNode> tasks = new ArrayList<>();
			ManifestReader.read(this.layout).path("tasks").forEach(tasks::add);
			tasks.sort(NEWEST_FIRST);
			int pages = Math.max(1, (tasks.size() + PAGE_SIZE - 1) / PAGE_SIZE);
			int shown = Math.min(Math.max(page, 1), pages);
			int from = (shown - 1) * PAGE_SIZE;
			List<Entry> entries = new ArrayList<>();
			for (JsonNode task : tasks.subList(from, Math.min(from + PAGE_SIZE, tasks.size()))) {
				entries.add(new Entry(task.path("id").asString(""), task.path("status").asString(""),
						task.path("title").asString(null), PRETTY.writeValueAsString(task)));
			}
			model.addAttribute("entries", entries);
			model.addAttribute("paging", new Paging(shown, pages, tasks.size(), from + 1, from + entries.size()));
		}
		catch (JacksonException ex) {
			model.addAttribute("unreadable", ex.getOriginalMessage());
			model.addAttribute("raw", new String(Files.readAllBytes(this.layout.manifest()), StandardCharsets.UTF_8));
		}
		return (fragment != null) ? "manifest :: entries" : "manifest";
	}

	/** Newest (highest id) first, as the board lists tasks; an entry whose id is not a task id last. */
	private static int newestFirst(JsonNode a, JsonNode b) {
		Optional<TaskId> first = TaskId.parse(a.path("id").asString(""));
		Optional<TaskId> second = TaskId.parse(b.path("id").asString(""));
		if (first.isPresent() && second.isPresent()) {
			return second.get().compareTo(first.get());
		}
		return Boolean.compare(first.isEmpty(), second.isEmpty());
	}

	private long journalSize() {
		try {
			return Files.size(this.layout.manifestJournal());
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** One task's entry. */
	record Entry(String id, String status, String title, String json) {
	}

	/** Which page is shown: its number, how many there are, and which entries (1-based) of how many. */
	record Paging(int page, int pages, int total, int first, int last) {
	}

}
