package dev.spool.web;

import dev.spool.model.ModelGateway;
import dev.spool.model.ModelInfo;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every dashboard page shows: which model answers, for the offline banner. */
@ControllerAdvice(annotations = Controller.class)
class ViewModelAdvice {

	private final ModelGateway model;

	ViewModelAdvice(ModelGateway model) {
		this.model = model;
	}

	@ModelAttribute("modelInfo")
	ModelInfo modelInfo() {
		return this.model.info();
	}

}
