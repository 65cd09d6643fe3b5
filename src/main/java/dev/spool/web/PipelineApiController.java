package dev.spool.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.pipeline.Pipeline;
import dev.spool.workspace.PipelineStage;
import dev.spool.pipeline.Pipelines;
import dev.spool.pipeline.StageRoutes;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Pipelines for other tools: create one (a task per stage) and follow it. */
@RestController
@RequestMapping("/api/pipelines")
@Tag(name = "Pipelines", description = "Stages that hand their answers on, as files or through named pipes")
class PipelineApiController {

	private final Pipelines pipelines;

	private final Routing routing;

	PipelineApiController(Pipelines pipelines, Routing routing) {
		this.pipelines = pipelines;
		this.routing = routing;
	}

	@Operation(summary = "Create a pipeline", description = "One task per stage; each stage reads the previous "
			+ "stage's answer, once written (files) or as it is written (fifo).")
	@ApiResponse(responseCode = "201", description = "the pipeline's id and each stage's task")
	@ApiResponse(responseCode = "400", description = "fewer than two stages or more than spool.max-pipeline-stages, an unknown transport or role, fifo without named pipes, or a field of the wrong type (the field is named)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) CreatePipelineRequest request) {
		if (request == null) {
			throw new InvalidTaskException(
					"the request body is empty; send {\"transport\": \"files\", \"stages\": [{\"prompt\": \"...\"}, ...]}");
		}
		PipelineStage.Transport transport = transport(request.transport());
		List<Pipelines.StageRequest> stages = stages(request.stages());
		StageRoutes.check(this.routing, stages);
		Pipeline pipeline = this.pipelines.create(transport, stages);
		return ResponseEntity.created(URI.create("/api/pipelines/" + pipeline.id())).body(PipelineJson.of(pipeline));
	}

	@Operation(summary = "Read a pipeline", description = "Its transport, state, and each stage's task, state, owner "
			+ "and error, from the task files.")
	@ApiResponse(responseCode = "200", description = "the pipeline")
	@ApiResponse(responseCode = "400", description = "not a pipeline id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such pipeline", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> get(
			@Parameter(description = "a pipeline id", example = "pipeline_001") @PathVariable String id) {
		if (!PipelineStage.isPipelineId(id)) {
			throw new InvalidTaskException("'" + id + "' is not a pipeline id such as pipeline_001");
		}
		return PipelineJson.of(this.pipelines.find(id).orElseThrow(() -> new PipelineNotFoundException(id)));
	}

	@ExceptionHandler
	ProblemDetail notFound(PipelineNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	static PipelineStage.Transport transport(String word) {
		if (word == null || word.isBlank()) {
			throw new InvalidTaskException("the transport is missing: use \"files\" or \"fifo\"");
		}
		return PipelineStage.Transport.fromWord(word.strip())
			.orElseThrow(() -> new InvalidTaskException("unknown transport '" + word + "': use \"files\" or \"fifo\""));
	}

	private static List<Pipelines.StageRequest> stages(List<CreatePipelineRequest.Stage> stages) {
		if (stages == null) {
			throw new InvalidTaskException("the stages are missing: a pipeline has two or more");
		}
		return stages.stream()
			.map((stage) -> (stage != null)
					? new Pipelines.StageRequest(stage.prompt(), stage.title(), stage.agent(), stage.role(),
							Boolean.TRUE.equals(stage.review())) : null)
			.toList();
	}

	/** No task names this pipeline. */
	static final class PipelineNotFoundException extends RuntimeException {

		PipelineNotFoundException(String id) {
			super("no task belongs to " + id);
		}

	}

}
