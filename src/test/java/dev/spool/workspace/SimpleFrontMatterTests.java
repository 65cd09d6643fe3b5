package dev.spool.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Front matter read without the YAML parser, in the form nearly every task file has, gives the fields the parser
 * gives, node for node; whatever is outside that form is left to the parser.
 */
class SimpleFrontMatterTests {

	private static final long SEED = Long.getLong("spool.property.seed", System.nanoTime());

	private static final int ROUNDS = Integer.getInteger("spool.test.frontMatterRounds", 30_000);

	private static final List<String> KEYS = List.of("title", "agent", "role", "priority", "created_at",
			"depends_on", "review", "max_attempts", "yes", "null", "on", "y", "a-b", "x1", "Title", "<<", "a b", "é");

	private static final List<String> VALUES = List.of("", "Write the report", "agent_a", "3", "-3", "+3", "0x1F",
			"0o17", "017", "1e3", "1.5", ".5", ".inf", "-.inf", ".nan", "yes", "No", "ON", "off", "y", "n", "null",
			"Null", "~", "true", "False", "2026-11-25", "2026-11-25T10:00:00Z", "2026-11-25 10:00:00",
			"2026-11-25T10:00:00.123456Z", "a:b", "a: b", "a:", "a #b", "#b", "a  b", "a b ", " a", "'quoted'",
			"\"quoted\"", "it's", "[a, b]", "{a: b}", "- a", "*ref", "&anchor x", "!!str 3", "|", ">", "%x", "@x",
			"`x", "a,b", "(a) b", "x/y", "./y", "_x", "é", "a\tb", "1_000", "12:30", "1:20:30", "190:20:30", "=", "<<",
			"\"Write the report\"", "\"2026-01-01T00:00:00Z\"", "\"a \\\" b\"", "\"a \\n b\"", "\"é ü 漢字\"",
			"\" a \"", "\"\"", "\"a\" b", "\"a\"b\"", "\"#x\"", "\"a: b\"", "\"3\"", "\"yes\"", "\"null\"",
			"\"a\u00a0b\"", "\"\uFEFF\"", "\"\u0085\"", "\"\uD83D\uDE00\"", "\"a", "a\"");

	private static final String ALPHABET = "ab Z09_-.,:/+()'\"#&*!|>%@`[]{}?~\t";

	@Test
	void everyFrontMatterOfSimpleLinesIsReadAsTheParserReadsIt() {
		Random random = new Random(SEED);
		int simple = 0;
		for (int round = 0; round < ROUNDS; round++) {
			String yaml = randomFrontMatter(random);
			Map<String, Node> quick = FrontMatter.simpleFields(yaml);
			if (quick == null) {
				continue;
			}
			simple++;
			Map<String, Node> parsed = FrontMatter.parsedFields(yaml);
			assertThat(List.copyOf(quick.keySet())).as("keys of %s (seed %d)", yaml, SEED)
				.isEqualTo(List.copyOf(parsed.keySet()));
			for (String key : quick.keySet()) {
				ScalarNode mine = (ScalarNode) quick.get(key);
				assertThat(parsed.get(key)).as("%s in %s (seed %d)", key, yaml, SEED).isInstanceOf(ScalarNode.class);
				ScalarNode theirs = (ScalarNode) parsed.get(key);
				assertThat(mine.getValue()).as("%s in %s (seed %d)", key, yaml, SEED).isEqualTo(theirs.getValue());
				assertThat(mine.getTag()).as("%s in %s (seed %d)", key, yaml, SEED).isEqualTo(theirs.getTag());
				assertThat(mine.getScalarStyle()).isEqualTo(theirs.getScalarStyle());
			}
		}
		assertThat(simple).as("front matters read without the parser").isGreaterThan(ROUNDS / 20);
	}

	@Test
	void theUsualTaskFileIsReadWithoutTheParser() {
		String yaml = "title: \"Summarise the report, then mail it\"\nagent: agent_a\npriority: 2\n"
				+ "created_at: \"2026-11-25T10:00:00.123Z\"\n";

		assertThat(FrontMatter.simpleFields(yaml)).containsOnlyKeys("title", "agent", "priority", "created_at");
		assertThat(FrontMatter.parse("---\n" + yaml + "---\nThe prompt\n").instant("created_at"))
			.isEqualTo(java.time.Instant.parse("2026-11-25T10:00:00.123Z"));
	}

	@Test
	void whatIsNotSimpleIsLeftToTheParser() {
		assertThat(FrontMatter.simpleFields("depends_on: [task_001]\n")).isNull();
		assertThat(FrontMatter.simpleFields("title: a # comment\n")).isNull();
		assertThat(FrontMatter.simpleFields("title: a\ntitle: b\n")).isNull();
		assertThat(FrontMatter.simpleFields("<<: *defaults\n")).isNull();
		assertThat(FrontMatter.simpleFields("title: 'quoted'\n")).isNull();
		assertThat(FrontMatter.simpleFields("title: \"a \\\"b\\\"\"\n")).isNull();
		assertThat(FrontMatter.simpleFields("\ntitle: a\n")).isNull();
	}

	private static String randomFrontMatter(Random random) {
		List<String> lines = new ArrayList<>();
		for (int count = random.nextInt(6); count > 0; count--) {
			String key = KEYS.get(random.nextInt(KEYS.size()));
			String value = random.nextInt(4) == 0 ? randomText(random) : VALUES.get(random.nextInt(VALUES.size()));
			lines.add(random.nextInt(10) == 0 ? key + ":" + value : key + ": " + value);
			if (random.nextInt(20) == 0) {
				lines.add("");
			}
		}
		return String.join("\n", lines) + (lines.isEmpty() ? "" : "\n");
	}

	private static String randomText(Random random) {
		StringBuilder text = new StringBuilder();
		for (int length = 1 + random.nextInt(12); length > 0; length--) {
			text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return text.toString();
	}

}
