package dev.spool.workspace;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/** The JSON dialect of files in the workspace: snake_case names, ISO-8601 times, no nulls. */
public final class WorkspaceJson {

	public static final JsonMapper MAPPER = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.enable(SerializationFeature.INDENT_OUTPUT)
		.addModule(new SimpleModule("workspace-instants").addDeserializer(Instant.class, new SpoolInstants()))
		.build();

	private WorkspaceJson() {
	}

	/**
	 * Reads the instants Spool writes without the general parser ({@link Instants}), two in every attempt record, a
	 * hundred thousand records at the start of a large workspace; anything else as Jackson reads an instant.
	 */
	static final class SpoolInstants extends StdScalarDeserializer<Instant> {

		SpoolInstants() {
			super(Instant.class);
		}

		@Override
		public Instant deserialize(JsonParser parser, DeserializationContext context) {
			if (parser.hasToken(JsonToken.VALUE_STRING)) {
				Instant instant = Instants.utc(parser.getString());
				if (instant != null) {
					return instant;
				}
			}
			return InstantDeserializer.INSTANT.deserialize(parser, context);
		}

	}

}
