package dev.spool.web;

import java.io.IOException;
import java.util.List;

import dev.spool.SpoolProperties;
import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelInfo;
import dev.spool.manifest.ManifestReader;
import dev.spool.workspace.WorkspaceLayout;

import jakarta.servlet.http.HttpServletRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The manifest, the agents, the model, the protocol's timings and the event stream. */
@RestController
@RequestMapping("/api")
@Tag(name = "Workspace", description = "The manifest, the agents, the model, the protocol's timings and the events")
class ApiController {

	private final WorkspaceLayout layout;

	private final AgentDirectory agents;

	private final ModelGateway model;

	private final TaskEventStream events;

	private final SpoolProperties properties;

	ApiController(WorkspaceLayout layout, AgentDirectory agents, ModelGateway model, TaskEventStream events,
			SpoolProperties properties) {
		this.properties = properties;
		this.layout = layout;
		this.agents = agents;
		this.model = model;
		this.events = events;
	}

	/** The manifest: its snapshot with its journal applied, as {@link ManifestReader} reads it. */
	@Operation(summary = "The manifest", description = "An index of every task, derived from the files: "
			+ "manifest.json with manifest.journal applied (see PROTOCOL.md).")
	@ApiResponse(responseCode = "200", description = "the manifest")
	@GetMapping(path = "/manifest", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Resource> manifest() throws IOException {
		byte[] content = ManifestReader.readBytes(this.layout);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ByteArrayResource(content));
	}

	@Operation(summary = "The agents", description = "Each agent: name, model, state (idle, working, stale), current "
			+ "tasks, done and failed counts, last heartbeat.")
	@ApiResponse(responseCode = "200", description = "the agents")
	@GetMapping("/agents")
	List<AgentStatus> agents() {
		return this.agents.list();
	}

	@Operation(summary = "The model", description = "Which model answers, and whether it is the built-in offline one.")
	@ApiResponse(responseCode = "200", description = "the model")
	@GetMapping("/model")
	ModelInfo model() {
		return this.model.info();
	}

	/** The timings an outside agent must keep to, as this process applies them. */
	@Operation(summary = "The protocol's timings", description = "What an outside agent must keep to: stale-after, "
			+ "heartbeat interval, attempts, rescan interval, settling time.")
	@ApiResponse(responseCode = "200", description = "the timings")
	@GetMapping("/protocol")
	ProtocolSettings protocol() {
		return ProtocolSettings.of(this.properties);
	}

	@Operation(summary = "Task events", description = "Server-sent events: one 'task' event per change of state, "
			+ "whoever made it (this process, another, an outside agent or a person).")
	@ApiResponse(responseCode = "200", description = "an endless event stream",
			content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events(HttpServletRequest request) {
		return this.events.subscribe(request.getRemoteAddr());
	}

}
