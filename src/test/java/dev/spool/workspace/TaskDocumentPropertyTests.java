package dev.spool.workspace;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.spool.GeneratedText;
import dev.spool.PropertyCheck;
import org.junit.jupiter.api.Test;

import static dev.spool.Generators.anyInt;
import static dev.spool.Generators.list;
import static dev.spool.Generators.orNull;
import static dev.spool.Generators.pick;
import static dev.spool.Generators.pickCharacter;
import static dev.spool.Generators.size;
import static dev.spool.Generators.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a task file holds, reading it ends in a document agents can take or in one flagged with a one-line
 * problem, and what Spool writes reads back the same. 1,000 tries each; more with {@code -Dspool.property.tries=N},
 * and a run replays with {@code -Dspool.property.seed=S}.
 */
class TaskDocumentPropertyTests {

	private static final List<String> YAML_WORDS = List.of("null", "true", "yes", "on", "no", "123", "0x1f", "1e5",
			"1_0", "2026-11-25", "017", "nan", "inf", "y", "n");

	private static final String NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_-";

	/** Characters a writer must escape or keep apart, and a pair that must stay together. */
	private static final List<String> TROUBLE = List.of("\n", "\r", "\r\n", "\t", "\"", "\\", "'", "#", ": ", "---",
			"\u0000", "\u001B", "\u007F", "\u0085", "\u009F", "\u00A0", "\u2028", "\u2029", "\uFEFF", "\uFFFE",
			"\uFFFF", "\uD800", "\uDFFF", "\uD83D\uDE00", " ");

	private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();

	private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

	@Test
	void anyFileEndsAsAValidDocumentOrAOneLineProblem() {
		PropertyCheck.forAll("anyFileEndsAsAValidDocumentOrAOneLineProblem", HostileYaml::file)
			.shrinkingWith(GeneratedText::smaller)
			.classify((text) -> {
				TaskDocument document = TaskDocument.parse(text);

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
				return outcome(document);
			})
			// The files must reach every outcome, or the property would be proving little.
			.reachMoreThan("valid", 10)
			.reachMoreThan("a field is wrong", 5)
			.reachMoreThan("not readable as YAML", 10);
	}

	private static String outcome(TaskDocument document) {
		if (document.problem() == null) {
			return "valid";
		}
		return HostileYaml.TASK_FIELDS.stream().anyMatch((field) -> document.problem().startsWith(field + ":"))
				? "a field is wrong" : "not readable as YAML";
	}

	@Test
	void aDocumentSpoolWritesReadsBackTheSame() {
		PropertyCheck.forAll("aDocumentSpoolWritesReadsBackTheSame", TaskDocumentPropertyTests::document)
			.shrinkingWith(TaskDocumentPropertyTests::smaller)
			.describedBy((document) -> document + "\nrendered: " + document.render())
			.check((document) -> assertThat(TaskDocument.parse(document.render())).isEqualTo(document));
	}

	/** Any document Spool could write: every field set or not, to any value it allows. */
	private static TaskDocument document(Random random) {
		String title = orNull(random, 20, () -> anyText(random, TaskDocument.MAX_TITLE_LENGTH));
		String agent = orNull(random, 30, () -> random.nextBoolean() ? agentName(random) : pick(random, YAML_WORDS));
		Integer maxAttempts = orNull(random, 50, () -> (random.nextInt(4) == 0) ? pick(random, List.of(1,
				Integer.MAX_VALUE)) : 1 + random.nextInt(Integer.MAX_VALUE));
		Instant createdAt = orNull(random, 30, () -> instant(random));
		String prompt = anyText(random, 300).replace("\r", "").strip();
		return new TaskDocument(title, agent, null, TaskDocument.Kind.TASK, anyInt(random),
				list(random, 0, 5, () -> id(random)), maxAttempts, createdAt, orNull(random, 50, () -> id(random)), null,
				null, null, orNull(random, 50, () -> id(random)), prompt, null);
	}

	/** The document with one field left out, then with a shorter title or prompt. */
	private static Stream<TaskDocument> smaller(TaskDocument d) {
		Stream<TaskDocument> withoutAField = Stream.of(
				new TaskDocument(null, d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(), d.createdAt(),
						d.retryOf(), d.prompt(), null),
				new TaskDocument(d.title(), null, d.priority(), d.dependsOn(), d.maxAttempts(), d.createdAt(),
						d.retryOf(), d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), 0, d.dependsOn(), d.maxAttempts(), d.createdAt(), d.retryOf(),
						d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), d.priority(), List.of(), d.maxAttempts(), d.createdAt(),
						d.retryOf(), d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), d.priority(), d.dependsOn(), null, d.createdAt(), d.retryOf(),
						d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(), null, d.retryOf(),
						d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(), d.createdAt(),
						null, d.prompt(), null),
				new TaskDocument(d.title(), d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(), d.createdAt(),
						d.retryOf(), "", null))
			.filter((smaller) -> !smaller.equals(d));
		Stream<TaskDocument> shorterTitle = (d.title() == null) ? Stream.empty()
				: GeneratedText.smaller(d.title())
					.map((title) -> new TaskDocument(title, d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(),
							d.createdAt(), d.retryOf(), d.prompt(), null));
		// A prompt is stripped when read, so only stripped ones are worth trying.
		Stream<TaskDocument> shorterPrompt = GeneratedText.smaller(d.prompt())
			.map((prompt) -> new TaskDocument(d.title(), d.agent(), d.priority(), d.dependsOn(), d.maxAttempts(),
					d.createdAt(), d.retryOf(), prompt.strip(), null));
		return Stream.of(withoutAField, shorterTitle, shorterPrompt).flatMap((candidates) -> candidates);
	}

	/** Text of any characters up to a length, with the ones that are trouble for YAML more often than their share. */
	private static String anyText(Random random, int maxLength) {
		int length = (random.nextInt(4) == 0) ? size(random, 0, maxLength) : size(random, 0, 20);
		StringBuilder text = new StringBuilder(length);
		while (text.length() < length) {
			text.append(switch (weighted(random, 6, 3, 1)) {
				case 0 -> String.valueOf((char) random.nextInt(Character.MAX_VALUE + 1));
				case 1 -> String.valueOf((char) random.nextInt(0x20, 0x7F));
				default -> pick(random, TROUBLE);
			});
		}
		// A pair added last may go one over; cutting it leaves a lone surrogate, which is fine to write too.
		return text.substring(0, length);
	}

	private static String agentName(Random random) {
		String name;
		do {
			int length = size(random, 1, 63);
			StringBuilder text = new StringBuilder(length);
			for (int i = 0; i < length; i++) {
				text.append(pickCharacter(random, NAME_CHARACTERS));
			}
			name = text.toString();
		}
		while (!AgentNames.isValid(name));
		return name;
	}

	private static Instant instant(Random random) {
		long seconds = (random.nextInt(10) == 0) ? pick(random, List.of(FIRST_SECOND, 0L, LAST_SECOND))
				: random.nextLong(FIRST_SECOND, LAST_SECOND + 1);
		int nanos = switch (weighted(random, 2, 1, 1, 1)) {
			case 0 -> 0;
			case 1 -> random.nextInt(1000) * 1_000_000;
			case 2 -> pick(random, List.of(1, 999_999_999));
			default -> random.nextInt(1_000_000_000);
		};
		return Instant.ofEpochSecond(seconds, nanos);
	}

	/** A task id as Spool writes it, as a person might, and with all eighteen digits. */
	private static TaskId id(Random random) {
		long number = (random.nextInt(10) == 0) ? pick(random, List.of(0L, 1L, 999_999_999_999_999_999L))
				: random.nextLong(0, 1_000_000_000_000_000_000L) >> random.nextInt(60);
		return switch (random.nextInt(3)) {
			case 0 -> TaskId.of(number);
			case 1 -> new TaskId("task_" + number, number);
			default -> TaskId.parse(String.format("task_%018d", number)).orElseThrow();
		};
	}

}
