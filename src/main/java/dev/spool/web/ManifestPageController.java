package dev.spool.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import dev.spool.workspace.ManifestReader;
import dev.spool.workspace.WorkspaceLayout;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The manifest (its snapshot with its journal applied), one collapsible entry per task, with a link to the JSON. */
@Controller
class ManifestPageController {

	private static final JsonMapper PRETTY = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private final WorkspaceLayout layout;

	ManifestPageController(WorkspaceLayout layout) {
		this.layout = layout;
	}

	@GetMapping("/manifest")
	String manifest(Model model) throws IOException {
		byte[] content = Files.readAllBytes(this.layout.manifest());
		model.addAttribute("path", this.layout.manifest().toString());
		model.addAttribute("size", content.length + journalSize());
		try {
			List<Entry> entries = new ArrayList<>();
			for (JsonNode task : ManifestReader.read(this.layout).path("tasks")) {
				entries.add(new Entry(task.path("id").asString(""), task.path("status").asString(""),
						task.path("title").asString(null), PRETTY.writeValueAsString(task)));
			}
			model.addAttribute("entries", entries);
		}
		catch (JacksonException ex) {
			model.addAttribute("unreadable", ex.getOriginalMessage());
			model.addAttribute("raw", new String(content, StandardCharsets.UTF_8));
		}
		return "manifest";
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

}
