package dev.spool.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.spool.pipeline.Pipeline;
import dev.spool.workspace.Task;

/** A pipeline as the API shows it: its id, transport and stages, each with its task's id and state. */
final class PipelineJson {

	private PipelineJson() {
	}

	static Map<String, Object> of(Pipeline pipeline) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", pipeline.id());
		json.put("transport", pipeline.transport().word());
		json.put("status", status(pipeline.stages()));
		json.put("stages", pipeline.stages().stream().map(PipelineJson::stage).toList());
		return json;
	}

	private static Map<String, Object> stage(Task task) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("stage", task.document().pipeline().stage());
		json.put("task", task.id().text());
		json.put("status", task.state().word());
		if (task.title() != null) {
			json.put("title", task.title());
		}
		if (task.owner() != null) {
			json.put("owner", task.owner());
		}
		if (task.document().agent() != null) {
			json.put("agent", task.document().agent());
		}
		if (task.document().role() != null) {
			json.put("role", task.document().role());
		}
		if (task.error() != null) {
			json.put("error", task.error());
		}
		if (task.hasOutput()) {
			json.put("output", "outputs/" + task.id().text() + "_result.md");
		}
		return json;
	}

	/** Done when the last stage is; failed or cancelled when any stage is; otherwise in progress or pending. */
	static String status(List<Task> stages) {
		if (stages.stream().anyMatch((task) -> task.state().word().equals("failed"))) {
			return "failed";
		}
		if (stages.stream().anyMatch((task) -> task.state().word().equals("cancelled"))) {
			return "cancelled";
		}
		if (stages.get(stages.size() - 1).state().word().equals("done")) {
			return "done";
		}
		return stages.stream().allMatch((task) -> task.state().word().equals("pending")) ? "pending" : "inprogress";
	}

}
