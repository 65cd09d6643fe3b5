package dev.spool.web;

import java.io.IOException;
import java.util.List;

import dev.spool.SpoolProperties;
import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;
import dev.spool.model.ModelGateway;
import dev.spool.model.ModelInfo;
import dev.spool.workspace.ManifestReader;
import dev.spool.workspace.WorkspaceLayout;

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
	@GetMapping(path = "/manifest", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Resource> manifest() throws IOException {
		byte[] content = ManifestReader.readBytes(this.layout);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.body(new ByteArrayResource(content));
	}

	@GetMapping("/agents")
	List<AgentStatus> agents() {
		return this.agents.list();
	}

	@GetMapping("/model")
	ModelInfo model() {
		return this.model.info();
	}

	/** The timings an outside agent must keep to, as this process applies them. */
	@GetMapping("/protocol")
	ProtocolSettings protocol() {
		return ProtocolSettings.of(this.properties);
	}

	@GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	SseEmitter events() {
		return this.events.subscribe();
	}

}
