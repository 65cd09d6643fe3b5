package dev.spool.workspace;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.bean.PropertyValueBuffer;
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
		.addModule(new SimpleModule("workspace-records") {

			@Override
			public void setupModule(SetupContext context) {
				super.setupModule(context);
				context.addValueInstantiators(new ValueInstantiators.Base() {

					@Override
					public ValueInstantiator modifyValueInstantiator(DeserializationConfig config,
							BeanDescription.Supplier bean, ValueInstantiator found) {
						return (bean.getBeanClass() == Attempt.class) ? new Records(found) : found;
					}

				});
			}

		})
		.build();

	private WorkspaceJson() {
	}

	/**
	 * Makes each attempt record with its constructor called directly, once Jackson has read its fields as for any
	 * record: Jackson calls a record's constructor through {@code MethodHandle.invokeWithArguments}, which for
	 * fourteen arguments builds a spreading handle at every call, a tenth of a record's read at the start of a large
	 * workspace. Anything the direct call refuses is left to Jackson, to be reported as Jackson reports it.
	 */
	static final class Records extends ValueInstantiator.Delegating {

		Records(ValueInstantiator found) {
			super(found);
		}

		@Override
		public Object createFromObjectWith(DeserializationContext context, SettableBeanProperty[] properties,
				PropertyValueBuffer buffer) {
			Object[] fields = buffer.getParameters(context, properties);
			try {
				return new Attempt((int) fields[0], (Attempt.Outcome) fields[1], (String) fields[2],
						(Instant) fields[3], (Instant) fields[4], (String) fields[5], (String) fields[6],
						(Boolean) fields[7], (TokenUsage) fields[8], cast(fields[9]), (String) fields[10],
						(String) fields[11], (Boolean) fields[12], (Boolean) fields[13]);
			}
			catch (RuntimeException ex) {
				return delegate().createFromObjectWith(context, fields);
			}
		}

		@SuppressWarnings("unchecked")
		private static List<String> cast(Object warnings) {
			return (List<String>) warnings;
		}

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
