package dev.spool.web;

import dev.spool.workspace.InvalidTaskException;
import dev.spool.pipeline.Pipeline;
import dev.spool.workspace.PipelineStage;
import dev.spool.pipeline.Pipelines;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;

/** One pipeline as its chain of stages, each stage's answer streaming while it is written. */
@Controller
class PipelinePageController {

	private final Pipelines pipelines;

	PipelinePageController(Pipelines pipelines) {
		this.pipelines = pipelines;
	}

	/** The whole page, or for a live refresh ({@code HX-Request}) only the chain. */
	@GetMapping("/pipelines/{id}")
	String pipeline(@PathVariable String id, @RequestHeader(name = "HX-Request", required = false) String fragment,
			Model model) {
		if (!PipelineStage.isPipelineId(id)) {
			throw new InvalidTaskException("'" + id + "' is not a pipeline id such as pipeline_001");
		}
		Pipeline pipeline = this.pipelines.find(id)
			.orElseThrow(() -> new PipelineApiController.PipelineNotFoundException(id));
		model.addAttribute("pipeline", pipeline);
		model.addAttribute("status", PipelineJson.status(pipeline.stages()));
		return (fragment != null) ? "pipeline :: chain" : "pipeline";
	}

}
