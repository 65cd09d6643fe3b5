package dev.spool.workspace;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static dev.spool.Generators.anyLong;
import static dev.spool.Generators.join;
import static dev.spool.Generators.pick;
import static dev.spool.Generators.pickCharacter;
import static dev.spool.Generators.size;
import static dev.spool.Generators.weighted;

/**
 * Generators of files with front matter that people and programs might write, and that attackers would: every kind
 * of YAML value in every field, flow and block styles, anchors and aliases, tags, escapes, long and odd text, and
 * text that is not YAML at all.
 */
public final class HostileYaml {

	static final List<String> TASK_FIELDS = List.of("title", "agent", "priority", "depends_on", "max_attempts",
			"created_at", "retry_of", "parent");

	private static final List<String> AGENT_FIELDS = List.of("model", "temperature", "concurrency", "roles");

	private static final List<String> ODD_KEYS = List.of("notes", "x", "1", "~", "null", "true", "\"title\"",
			"'priority'", "<<", "? [a, b]\n", "? {k: v}\n", "!!binary dGl0bGU=", "&k title", "*k", "[a, b]",
			"\"\\u0000\"", "title ", "Title", "depends_on\t", "-", "? ", "=");

	private static final List<String> SCALARS = List.of("~", "null", "", "true", "yes", "no", "on", "off", "0", "1",
			"-5", "3", "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "2147483647", "2147483648",
			"-2147483648", "-2147483649", "0x1F", "0o17", "017", "1_000", "+7", ".inf", "-.inf", ".nan", "3.14", "2.0",
			"2026-11-25", "2026-11-25T10:00:00Z", "2026-11-25 10:00:00 +05:30", "2026-11-25t10:00:00.123456789123z",
			"2026-02-30", "2026-13-45", "9999-12-31T23:59:59Z", "task_001", "task_7", "task_000000000000000001",
			"task_9999999999999999999", "task_x", "agent_a", "shellbot", "a_done", "Bad", "../etc", "*a", "*b",
			"*undefined", "!!binary aGk=", "!!str 5", "!!int abc", "!!int 5", "!!float x", "!!timestamp nope",
			"!!null x", "!custom x", "!!map {}", "!!seq []", "!<tag:yaml.org,2002:str> x", "!!java.io.File /etc",
			"!!python/object:os.system x", "<<", "=", "?", "-", ":", "#", "@", "`", "%", "&", "*", ",", "[", "]", "{",
			"}", "'", "\"", "|", ">", "- -", ": :", "[[[[", "]]]]", "{{", "}}", "\t", "\ta", "x\ty", "a #comment",
			"#only", "%YAML 1.1", "--- x", "... x");

	private static final List<String> ESCAPES = List.of("\\n", "\\t", "\\\"", "\\\\", "\\u263A", "\\x00", "\\x85",
			"\\U0001F600", "\\e", "\\N", "\\_", "\\L", "\\P", "\\q", "\\u", "\\uD800", "\\", "'", "\n", "\n\n", "\\\n",
			"\u2028", "\u0085", "\uFEFF");

	private static final List<String> GARBAGE_LINES = List.of("---", "...", "- [", "{ a: [", "\t- x", "  - y",
			"a: b: c", "? ", "&a [*a]", "*a", "%TAG ! !foo", "<<: *a", "!!", "!<>");

	private static final List<String> ANCHORS = List.of("&a", "&b", "&c", "&title", "&a1");

	private static final String PLAIN_CHARACTERS = "abcxyz_-0129 ";

	private static final String INDICATORS = "[]{}:,-#&*!|>'\"%@`?\\\t\n\r~<=.";

	/** Characters that break readers and writers: NUL, the line and paragraph separators, marks, lone surrogates. */
	private static final String TROUBLE = "\u0000\u0085\u2028\u2029\uFEFF\uFFFE\u200B\u202E\u0301\uD800\uDC00";

	private static final int DEPTH = 3;

	private static final int MAX_LENGTH = 64 * 1024;

	private static final BigInteger HUGE = BigInteger.TEN.pow(30);

	private HostileYaml() {
	}

	/** A whole file: a front matter block (closed or not) and a body, with the odd byte-order mark or CRLF. */
	public static String file(Random random) {
		String yaml = frontMatter(random);
		String close = (weighted(random, 12, 1) == 0) ? "---\n" : pick(random, "---", "--- \n", "----\n", "...\n", "");
		String prompt = random.nextBoolean() ? pick(random, "", "Prompt", "---\nmore\n---", "\n\n  \t")
				: garbage(random);
		String mark = random.nextBoolean() ? "" : "\uFEFF";
		String text = mark + "---\n" + yaml + (yaml.endsWith("\n") ? "" : "\n") + close + prompt;
		return random.nextBoolean() ? text.replace("\n", "\r\n") : text;
	}

	/** What goes between the fences: mostly a block mapping, sometimes anything else. */
	static String frontMatter(Random random) {
		return switch (weighted(random, 12, 2, 2, 4, 1)) {
			case 0 -> blockMap(random, DEPTH, 0);
			case 1 -> flow(random, DEPTH);
			case 2 -> value(random, DEPTH, 0);
			case 3 -> garbage(random);
			default -> laughs(random);
		};
	}

	/** A block mapping at an indent: known and unknown keys with any values. */
	static String blockMap(Random random, int depth, int indent) {
		return join(random, 1, 6, "", () -> {
			String value = value(random, depth, indent + 2);
			return " ".repeat(indent) + key(random) + ":" + (value.startsWith("\n") ? "" : " ") + value
					+ (value.endsWith("\n") ? "" : "\n");
		});
	}

	static String key(Random random) {
		return switch (weighted(random, 8, 3, 2, 1)) {
			case 0 -> pick(random, TASK_FIELDS);
			case 1 -> pick(random, AGENT_FIELDS);
			case 2 -> pick(random, ODD_KEYS);
			default -> text(random, 12);
		};
	}

	/** Any value: scalars of every kind, and below the depth limit flow and block collections. */
	static String value(Random random, int depth, int indent) {
		if (depth <= 0) {
			return scalar(random);
		}
		return switch (weighted(random, 10, 3, 3, 2, 1, 1)) {
			case 0 -> scalar(random);
			case 1 -> flow(random, depth);
			case 2 -> blockSequence(random, depth - 1, indent);
			case 3 -> "\n" + blockMap(random, depth - 1, indent);
			case 4 -> {
				String anchor = pick(random, ANCHORS);
				String value = value(random, depth - 1, indent);
				yield anchor + (value.startsWith("\n") ? "" : " ") + value;
			}
			default -> blockScalar(random, indent);
		};
	}

	private static String blockSequence(Random random, int depth, int indent) {
		return "\n" + join(random, 1, 4, "", () -> {
			String value = value(random, depth, indent + 2);
			return " ".repeat(indent) + "-" + (value.startsWith("\n") ? "" : " ") + value
					+ (value.endsWith("\n") ? "" : "\n");
		});
	}

	private static String blockScalar(Random random, int indent) {
		String style = pick(random, "|", ">", "|-", ">+", "|2");
		String text = text(random, 40);
		return style + "\n" + " ".repeat(indent) + text.replace("\n", "\n" + " ".repeat(indent)) + "\n";
	}

	/** A flow collection, which holds only flow values. */
	static String flow(Random random, int depth) {
		Supplier<String> item = () -> (depth <= 1 || random.nextBoolean()) ? scalar(random)
				: flow(random, depth - 1);
		if (random.nextBoolean()) {
			return "[" + join(random, 0, 4, ", ", item) + "]";
		}
		return "{" + join(random, 0, 4, ", ", () -> oneLineKey(random) + ": " + item.get()) + "}";
	}

	private static String oneLineKey(Random random) {
		String key = key(random);
		while (key.contains("\n")) {
			key = key(random);
		}
		return key;
	}

	/** One-line values of every kind YAML knows, and many it does not. */
	static String scalar(Random random) {
		return switch (weighted(random, 30, 10, 6, 10, 3, 3, 2, 2, 3)) {
			case 0 -> pick(random, SCALARS);
			case 1 -> doubleQuoted(random);
			case 2 -> singleQuoted(random);
			case 3 -> plain(text(random, 30));
			case 4 -> "y".repeat(length(random, 499, 500, 501, 65_000, MAX_LENGTH + 1));
			case 5 -> String.valueOf(anyLong(random));
			case 6 -> {
				int depth = length(random, 5000);
				yield "[".repeat(depth) + "]".repeat(depth);
			}
			case 7 -> {
				int depth = length(random, 5000);
				yield "{a: ".repeat(depth) + "}".repeat(depth);
			}
			default -> hugeInteger(random).toString();
		};
	}

	/** Short, or one of the lengths that matter. */
	private static int length(Random random, int... large) {
		return random.nextBoolean() ? 1 + random.nextInt(40) : large[random.nextInt(large.length)];
	}

	/** An integer from -10^30 to 10^30, of every size in between. */
	private static BigInteger hugeInteger(Random random) {
		if (random.nextInt(10) == 0) {
			return pick(random, List.of(HUGE, HUGE.negate(), BigInteger.ZERO));
		}
		// 2^99 is less than 10^30.
		BigInteger magnitude = new BigInteger(1 + random.nextInt(99), random);
		return random.nextBoolean() ? magnitude : magnitude.negate();
	}

	private static String plain(String text) {
		// Kept to one line so that it stays where it was put; what it does to YAML is the point.
		return text.replace("\n", " ").replace("\r", " ");
	}

	private static String doubleQuoted(Random random) {
		String pieces = join(random, 0, 6, "", () -> random.nextBoolean() ? text(random, 8) : pick(random, ESCAPES));
		return "\"" + pieces.replace("\"", "\\\"") + "\"";
	}

	private static String singleQuoted(Random random) {
		return "'" + text(random, 20).replace("'", "''") + "'";
	}

	/**
	 * Text from a mix of YAML's indicators, whitespace and the rest of Unicode; now and then controls (C0 and C1),
	 * separators, marks, lone surrogates and any other character too.
	 */
	static String text(Random random, int maxLength) {
		boolean anyCharacter = weighted(random, 40, 1) == 1;
		int length = size(random, 0, maxLength);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((anyCharacter && weighted(random, 20, 2) == 1) ? anyCharacter(random) : printable(random));
		}
		return text.toString();
	}

	private static char printable(Random random) {
		return switch (weighted(random, 8, 3, 1)) {
			case 0 -> pickCharacter(random, PLAIN_CHARACTERS);
			case 1 -> pickCharacter(random, INDICATORS);
			default -> (char) random.nextInt('\u00A0', '\uD800');
		};
	}

	private static char anyCharacter(Random random) {
		return switch (weighted(random, 3, 1, 1, 3)) {
			case 0 -> pickCharacter(random, TROUBLE);
			case 1 -> (char) random.nextInt(0x20);
			case 2 -> (char) random.nextInt(0x7F, 0xA0);
			default -> (char) random.nextInt(Character.MAX_VALUE + 1);
		};
	}

	/** Text that need not be YAML at all, with unbalanced brackets, tabs and fences inside. */
	static String garbage(Random random) {
		return join(random, 0, 8, "\n", () -> random.nextBoolean() ? text(random, 60) : pick(random, GARBAGE_LINES));
	}

	/** Aliases of aliases given to a field, up to a dozen wide and deep: exponentially many values if expanded. */
	static String laughs(Random random) {
		return laughs(1 + random.nextInt(12), 1 + random.nextInt(12), pick(random, TASK_FIELDS));
	}

	/** Ten aliases of ten aliases, nine deep: a billion strings if anything expands them. */
	public static String billionLaughs(String field) {
		return "---\n" + laughs(10, 9, field) + "---\nprompt\n";
	}

	private static String laughs(int wide, int deep, String field) {
		StringBuilder yaml = new StringBuilder("l0: &l0 lol\n");
		for (int level = 1; level <= deep; level++) {
			yaml.append('l').append(level).append(": &l").append(level).append(" [");
			for (int i = 0; i < wide; i++) {
				yaml.append((i > 0) ? ", " : "").append("*l").append(level - 1);
			}
			yaml.append("]\n");
		}
		return yaml.append(field).append(": *l").append(deep).append('\n').toString();
	}

}
