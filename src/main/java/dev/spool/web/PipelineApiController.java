package dev.spool.web;

import java.net.URI;
import java.util.List;
import java.util.Map;

import dev.spool.agent.Routing;
import dev.spool.workspace.InvalidTaskException;
import dev.spool.workspace.Pipeline;
import dev.spool.workspace.PipelineStage;
import dev.spool.workspace.Pipelines;

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
class PipelineApiController {

	private final Pipelines pipelines;

	private final Routing routing;

	PipelineApiController(Pipelines pipelines, Routing routing) {
		this.pipelines = pipelines;
		this.routing = routing;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) CreatePipelineRequest request) {
		if (request == null) {
			throw new InvalidTaskException(
					"the request body is empty; send {\"transport\": \"files\", \"stages\": [{\"prompt\": \"...\"}, ...]}");
		}
		PipelineStage.Transport transport = transport(request.transport());
		List<Pipelines.StageRequest> stages = stages(request.stages());
		this.routing.checkStages(stages);
		Pipeline pipeline = this.pipelines.create(transport, stages);
		return ResponseEntity.created(URI.create("/api/pipelines/" + pipeline.id())).body(PipelineJson.of(pipeline));
	}

	@GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Map<String, Object> get(@PathVariable String id) {
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
					? new Pipelines.StageRequest(stage.prompt(), stage.title(), stage.agent(), stage.role()) : null)
			.toList();
	}

	/** No task names this pipeline. */
	static final class PipelineNotFoundException extends RuntimeException {

		PipelineNotFoundException(String id) {
			super("no task belongs to " + id);
		}

	}

}
