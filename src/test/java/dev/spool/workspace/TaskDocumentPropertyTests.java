package dev.spool.workspace;

import java.time.Instant;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a task file holds, reading it ends in a document agents can take or in one flagged with a one-line
 * problem, and what Spool writes reads back the same. Tries default to jqwik's 1000; more with
 * {@code -Djqwik.tries.default=100000}.
 */
class TaskDocumentPropertyTests {

	@Property
	@StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
	void anyFileEndsAsAValidDocumentOrAOneLineProblem(@ForAll("files") String text) {
		TaskDocument document = TaskDocument.parse(text);

		Statistics.collect(outcome(document));
		// The files must reach every outcome, or the property would be proving little.
		Statistics.coverage((coverage) -> {
			coverage.check("valid").percentage((percent) -> percent > 10);
			coverage.check("a field is wrong").percentage((percent) -> percent > 5);
			coverage.check("not readable as YAML").percentage((percent) -> percent > 10);
		});
		assertThat(document.prompt()).isNotNull();
		if (document.problem() == null) {
			assertThat(document.maxAttempts()).satisfiesAnyOf((max) -> assertThat(max).isNull(),
					(max) -> assertThat(max).isPositive());
			assertThat(document.dependsOn()).doesNotContainNull();
			assertThat(document.agent()).satisfiesAnyOf((agent) -> assertThat(agent).isNull(),
					(agent) -> assertThat(AgentNames.isValid(agent)).isTrue());
			assertThat(document.title()).satisfiesAnyOf((title) -> assertThat(title).isNull(),
					(title) -> assertThat(title).hasSizeLessThanOrEqualTo(TaskDocument.MAX_TITLE_LENGTH));
		}
		else {
			assertThat(document.problem()).isNotBlank()
				.hasSizeLessThanOrEqualTo(400)
				.doesNotContain("\n", "\r", "\u0085", "\u2028", "\u2029");
		}
	}

	private static String outcome(TaskDocument document) {
		if (document.problem() == null) {
			return "valid";
		}
		return HostileYaml.TASK_FIELDS.stream().anyMatch((field) -> document.problem().startsWith(field + ":"))
				? "a field is wrong" : "not readable as YAML";
	}

	@Property
	void aDocumentSpoolWritesReadsBackTheSame(@ForAll("documents") TaskDocument document) {
		assertThat(TaskDocument.parse(document.render())).isEqualTo(document);
	}

	@Provide
	Arbitrary<String> files() {
		return HostileYaml.files();
	}

	@Provide
	Arbitrary<TaskDocument> documents() {
		Arbitrary<String> title = Arbitraries.strings()
			.all()
			.ofMaxLength(TaskDocument.MAX_TITLE_LENGTH)
			.injectNull(0.2);
		Arbitrary<String> agent = Arbitraries.oneOf(
				Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_-").ofMinLength(1)
					.ofMaxLength(63).filter(AgentNames::isValid),
				Arbitraries.of("null", "true", "yes", "on", "no", "123", "0x1f", "1e5", "1_0", "2026-11-25", "017",
						"nan", "inf", "y", "n"))
			.injectNull(0.3);
		Arbitrary<Integer> maxAttempts = Arbitraries.integers().between(1, Integer.MAX_VALUE).injectNull(0.5);
		Arbitrary<Instant> createdAt = Arbitraries.longs()
			.between(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
					Instant.parse("9999-12-31T23:59:59Z").getEpochSecond())
			.flatMap((seconds) -> Arbitraries.integers().between(0, 999_999_999)
				.map((nanos) -> Instant.ofEpochSecond(seconds, nanos)))
			.injectNull(0.3);
		Arbitrary<String> prompt = Arbitraries.strings().all().ofMaxLength(300)
			.map((text) -> text.replace("\r", "").strip());
		return Combinators.combine(title, agent, Arbitraries.integers(), ids().list().ofMaxSize(5), maxAttempts,
				createdAt, ids().injectNull(0.5), prompt)
			.as((t, a, priority, dependsOn, max, created, retryOf, p) -> new TaskDocument(t, a, priority, dependsOn,
					max, created, retryOf, p, null));
	}

	private static Arbitrary<TaskId> ids() {
		return Arbitraries.longs().between(0, 999_999_999_999_999_999L).flatMap((number) -> Arbitraries.of(
				TaskId.of(number), new TaskId("task_" + number, number),
				TaskId.parse(String.format("task_%018d", number)).orElseThrow()));
	}

}
