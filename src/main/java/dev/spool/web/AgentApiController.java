package dev.spool.web;

import java.io.IOException;

import dev.spool.agent.AgentDirectory;
import dev.spool.agent.AgentStatus;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Quiets an agent (it takes no new task, and finishes what it holds) and resumes it. */
@RestController
@RequestMapping("/api/agents")
@Tag(name = "Workspace", description = "The manifest, the agents, the model, the protocol's timings and the events")
class AgentApiController {

	private final AgentDirectory agents;

	AgentApiController(AgentDirectory agents) {
		this.agents = agents;
	}

	@Operation(summary = "Quiet an agent", description = "Writes agents/<name>.quiet (with the reason, if given): the "
			+ "agent takes no new task and finishes what it holds, until the file is removed (POST .../resume, or rm). "
			+ "Quieting a quiet agent again only changes the reason. Send Content-Type: application/json; the body "
			+ "may be left out.")
	@ApiResponse(responseCode = "200", description = "the agent, quiet")
	@ApiResponse(responseCode = "400", description = "not an agent's name, or a reason longer than 500 characters", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such agent", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "something other than a regular file (a link, a pipe, a folder) has the name agents/<name>.quiet; nothing was changed", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{name}/quiet", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	AgentStatus quiet(@Parameter(description = "an agent's name", example = "agent_a") @PathVariable String name,
			@RequestBody(required = false) QuietRequest request) throws IOException {
		return this.agents.quiet(name, (request != null) ? request.reason() : null)
			.orElseThrow(() -> new AgentNotFoundException(name));
	}

	@Operation(summary = "Resume a quiet agent", description = "Removes agents/<name>.quiet: the agent takes tasks "
			+ "again at once. Resuming an agent that is not quiet changes nothing. Send Content-Type: "
			+ "application/json (no body is needed).")
	@ApiResponse(responseCode = "200", description = "the agent, taking tasks")
	@ApiResponse(responseCode = "400", description = "not an agent's name", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such agent", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "a folder has the name agents/<name>.quiet", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(path = "/{name}/resume", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	AgentStatus resume(@Parameter(description = "an agent's name", example = "agent_a") @PathVariable String name)
			throws IOException {
		return this.agents.resume(name).orElseThrow(() -> new AgentNotFoundException(name));
	}

	/** No agent is defined or seen with the name. */
	static final class AgentNotFoundException extends RuntimeException {

		AgentNotFoundException(String name) {
			super("no agent " + name + ": neither defined in agents/ nor seen holding a task");
		}

	}

}
