package dev.spool.workspace;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON dialect of files in the workspace: snake_case names, ISO-8601 times, no nulls. */
public final class WorkspaceJson {

	public static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.enable(SerializationFeature.INDENT_OUTPUT)
		.build();

	private WorkspaceJson() {
	}

}
