package dev.spool.workspace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.spool.Generators;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Attempt records read by {@link WorkspaceJson#MAPPER}, whose records are made by a direct call of their constructor,
 * are what Jackson's own way of making them gives, for any record and for what is not one.
 */
class WorkspaceJsonTests {

	/** The workspace's mapper as it would be without {@link WorkspaceJson.Records}. */
	private static final JsonMapper JACKSONS_OWN = JsonMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
		.addModule(new SimpleModule("workspace-instants").addDeserializer(Instant.class,
				new WorkspaceJson.SpoolInstants()))
		.build();

	@Test
	void generatedRecordsReadAsJacksonMakesThem() {
		Random random = new Random(24);
		Instant at = Instant.parse("2026-12-07T19:00:00.123Z");
		for (int i = 0; i < 2_000; i++) {
			Attempt record = new Attempt(random.nextInt(50), Generators.pick(random, List.of(Attempt.Outcome.values())),
					Generators.orNull(random, 70, () -> "agent_" + random.nextInt(5)),
					Generators.orNull(random, 70, () -> at.plusMillis(random.nextInt(100_000))),
					Generators.orNull(random, 90, () -> at.plusSeconds(random.nextInt(100_000))),
					Generators.orNull(random, 30, () -> "error " + random.nextInt()),
					Generators.orNull(random, 50, () -> "model-" + random.nextInt(3)),
					Generators.orNull(random, 50, random::nextBoolean),
					Generators.orNull(random, 50, () -> new TokenUsage(random.nextInt(1000), random.nextInt(1000),
							random.nextInt(2000), Generators.orNull(random, 30, () -> Boolean.TRUE))),
					Generators.orNull(random, 20, () -> Generators.list(random, 1, 3, () -> "warning " + random.nextInt())),
					Generators.orNull(random, 20, () -> "person"), Generators.orNull(random, 20, () -> "a note"),
					Generators.orNull(random, 20, random::nextBoolean), Generators.orNull(random, 20, random::nextBoolean));
			byte[] json = WorkspaceJson.MAPPER.writeValueAsBytes(record);

			Attempt read = WorkspaceJson.MAPPER.readValue(json, Attempt.class);
			assertThat(read).isEqualTo(JACKSONS_OWN.readValue(json, Attempt.class)).isEqualTo(record);
		}
	}

	@Test
	void oddRecordsReadOrFailAsWithJacksonsOwnWay() {
		List<String> texts = new ArrayList<>(List.of("{}", "{\"outcome\": \"DONE\", \"extra\": [1, 2]}",
				"{\"number\": null, \"outcome\": \"ERROR\", \"offline\": null, \"review\": false}",
				"{\"number\": \"7\", \"outcome\": \"STALE\", \"finished_at\": \"2026-01-02T03:04:05+01:00\"}",
				"{\"outcome\": \"DONE\", \"warnings\": []}", "{\"outcome\": \"DONE\", \"warnings\": [\"a\", null]}",
				"{\"outcome\": \"NOT_ONE\"}", "{\"number\": 1.5}", "{\"tokens\": 3}", "[]", "{\"number\": 1,"));
		for (String text : texts) {
			Throwable ours = catchThrowable(() -> WorkspaceJson.MAPPER.readValue(text, Attempt.class));
			Throwable theirs = catchThrowable(() -> JACKSONS_OWN.readValue(text, Attempt.class));
			if (theirs == null) {
				assertThat(ours).as(text).isNull();
				assertThat(WorkspaceJson.MAPPER.readValue(text, Attempt.class)).as(text)
					.isEqualTo(JACKSONS_OWN.readValue(text, Attempt.class));
			}
			else {
				assertThat(ours).as(text).isNotNull().hasSameClassAs(theirs);
			}
		}
		// Refused by the record itself, then by Jackson's own way, as the loop found it refused by both.
		assertThatThrownBy(() -> WorkspaceJson.MAPPER.readValue("{\"outcome\": \"DONE\", \"warnings\": [\"a\", null]}",
				Attempt.class));
	}

}
