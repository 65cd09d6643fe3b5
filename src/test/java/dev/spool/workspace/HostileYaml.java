package dev.spool.workspace;

import java.math.BigInteger;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Generators of files with front matter that people and programs might write, and that attackers would: every kind
 * of YAML value in every field, flow and block styles, anchors and aliases, tags, escapes, long and odd text, and
 * text that is not YAML at all.
 */
public final class HostileYaml {

	static final List<String> TASK_FIELDS = List.of("title", "agent", "priority", "depends_on", "max_attempts",
			"created_at", "retry_of");

	private static final List<String> AGENT_FIELDS = List.of("model", "temperature", "concurrency", "roles");

	private static final int DEPTH = 3;

	private static final int MAX_LENGTH = 64 * 1024;

	private HostileYaml() {
	}

	/** Whole files: a front matter block (closed or not) and a body, with the odd byte-order mark or CRLF. */
	public static Arbitrary<String> files() {
		Arbitrary<String> frontMatter = Arbitraries.frequencyOf(weighted(12, blockMap(DEPTH, 0)),
				weighted(2, flow(DEPTH)), weighted(2, value(DEPTH, 0)), weighted(4, garbage()), weighted(1, laughs()));
		Arbitrary<String> closing = Arbitraries.frequencyOf(weighted(12, Arbitraries.just("---\n")),
				weighted(1, Arbitraries.of("---", "--- \n", "----\n", "...\n", "")));
		Arbitrary<String> body = Arbitraries.oneOf(Arbitraries.of("", "Prompt", "---\nmore\n---", "\n\n  \t"),
				garbage());
		Arbitrary<String> bom = Arbitraries.of("", "\uFEFF");
		return Combinators.combine(frontMatter, closing, body, bom, Arbitraries.of(false, true))
			.as((yaml, close, prompt, mark, crlf) -> {
				String text = mark + "---\n" + yaml + (yaml.endsWith("\n") ? "" : "\n") + close + prompt;
				return crlf ? text.replace("\n", "\r\n") : text;
			});
	}

	private static <T> Tuple2<Integer, Arbitrary<? extends T>> weighted(int weight, Arbitrary<? extends T> arbitrary) {
		return Tuple.of(weight, arbitrary);
	}

	/** A block mapping at an indent: known and unknown keys with any values. */
	static Arbitrary<String> blockMap(int depth, int indent) {
		Arbitrary<String> entry = Combinators.combine(key(), value(depth, indent + 2))
			.as((key, value) -> " ".repeat(indent) + key + ":" + (value.startsWith("\n") ? "" : " ") + value
					+ (value.endsWith("\n") ? "" : "\n"));
		return entry.list().ofMinSize(1).ofMaxSize(6).map((entries) -> String.join("", entries));
	}

	static Arbitrary<String> key() {
		return Arbitraries.frequencyOf(weighted(8, Arbitraries.of(TASK_FIELDS)),
				weighted(3, Arbitraries.of(AGENT_FIELDS)),
				weighted(2, Arbitraries.of("notes", "x", "1", "~", "null", "true", "\"title\"", "'priority'", "<<",
						"? [a, b]\n", "? {k: v}\n", "!!binary dGl0bGU=", "&k title", "*k", "[a, b]", "\"\\u0000\"",
						"title ", "Title", "depends_on\t", "-", "? ", "=")),
				weighted(1, text(12)));
	}

	/** Any value: scalars of every kind, and below the depth limit flow and block collections. */
	static Arbitrary<String> value(int depth, int indent) {
		if (depth <= 0) {
			return scalar();
		}
		Arbitrary<String> anchored = Combinators.combine(anchor(), Arbitraries.lazy(() -> value(depth - 1, indent)))
			.as((anchor, value) -> anchor + (value.startsWith("\n") ? "" : " ") + value);
		return Arbitraries.frequencyOf(weighted(10, scalar()), weighted(3, flow(depth)),
				weighted(3, Arbitraries.lazy(() -> blockSequence(depth - 1, indent))),
				weighted(2, Arbitraries.lazy(() -> blockMap(depth - 1, indent).map((map) -> "\n" + map))),
				weighted(1, anchored), weighted(1, blockScalar(indent)));
	}

	private static Arbitrary<String> blockSequence(int depth, int indent) {
		Arbitrary<String> item = value(depth, indent + 2).map((value) -> " ".repeat(indent) + "-"
				+ (value.startsWith("\n") ? "" : " ") + value + (value.endsWith("\n") ? "" : "\n"));
		return item.list().ofMinSize(1).ofMaxSize(4).map((items) -> "\n" + String.join("", items));
	}

	private static Arbitrary<String> blockScalar(int indent) {
		return Combinators.combine(Arbitraries.of("|", ">", "|-", ">+", "|2"), text(40))
			.as((style, text) -> style + "\n" + " ".repeat(indent) + text.replace("\n", "\n" + " ".repeat(indent))
					+ "\n");
	}

	/** A flow collection, which holds only flow values. */
	static Arbitrary<String> flow(int depth) {
		Arbitrary<String> item = (depth <= 1) ? scalar() : Arbitraries.oneOf(scalar(),
				Arbitraries.lazy(() -> flow(depth - 1)));
		Arbitrary<String> sequence = item.list().ofMaxSize(4).map((items) -> "[" + String.join(", ", items) + "]");
		Arbitrary<String> map = Combinators.combine(key().filter((key) -> !key.contains("\n")), item)
			.as((key, value) -> key + ": " + value)
			.list()
			.ofMaxSize(4)
			.map((entries) -> "{" + String.join(", ", entries) + "}");
		return Arbitraries.oneOf(sequence, map);
	}

	private static Arbitrary<String> anchor() {
		return Arbitraries.of("&a", "&b", "&c", "&title", "&a1");
	}

	/** One-line values of every kind YAML knows, and many it does not. */
	static Arbitrary<String> scalar() {
		return Arbitraries.frequencyOf(weighted(30, Arbitraries.of("~", "null", "", "true", "yes", "no", "on", "off",
				"0", "1", "-5", "3", "1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "2147483647",
				"2147483648", "-2147483648", "-2147483649", "0x1F", "0o17", "017", "1_000", "+7", ".inf", "-.inf",
				".nan", "3.14", "2.0", "2026-11-25", "2026-11-25T10:00:00Z", "2026-11-25 10:00:00 +05:30",
				"2026-11-25t10:00:00.123456789123z", "2026-02-30", "2026-13-45", "9999-12-31T23:59:59Z", "task_001",
				"task_7", "task_000000000000000001", "task_9999999999999999999", "task_x", "agent_a", "shellbot",
				"a_done", "Bad", "../etc", "*a", "*b", "*undefined", "!!binary aGk=", "!!str 5", "!!int abc",
				"!!int 5", "!!float x", "!!timestamp nope", "!!null x", "!custom x", "!!map {}", "!!seq []",
				"!<tag:yaml.org,2002:str> x", "!!java.io.File /etc", "!!python/object:os.system x", "<<", "=", "?",
				"-", ":", "#", "@", "`", "%", "&", "*", ",", "[", "]", "{", "}", "'", "\"", "|", ">", "- -", ": :",
				"[[[[", "]]]]", "{{", "}}", "\t", "\ta", "x\ty", "a #comment", "#only", "%YAML 1.1", "--- x",
				"... x")),
				weighted(10, doubleQuoted()), weighted(6, singleQuoted()),
				weighted(10, text(30).map(HostileYaml::plain)),
				weighted(1, lengths(Arbitraries.of(499, 500, 501, 65_000, MAX_LENGTH + 1)).map("y"::repeat)),
				weighted(3, Arbitraries.longs().map(String::valueOf)),
				weighted(1, lengths(Arbitraries.just(5000)).map((depth) -> "[".repeat(depth) + "]".repeat(depth))),
				weighted(1, lengths(Arbitraries.just(5000)).map((depth) -> "{a: ".repeat(depth) + "}".repeat(depth))),
				weighted(3, Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(),
						BigInteger.TEN.pow(30)).map(String::valueOf)));
	}

	/** Mostly short, now and then one of the lengths that matter. */
	private static Arbitrary<Integer> lengths(Arbitrary<Integer> large) {
		return Arbitraries.frequencyOf(weighted(4, Arbitraries.integers().between(1, 40)), weighted(1, large));
	}

	private static String plain(String text) {
		// Kept to one line so that it stays where it was put; what it does to YAML is the point.
		return text.replace("\n", " ").replace("\r", " ");
	}

	private static Arbitrary<String> doubleQuoted() {
		Arbitrary<String> piece = Arbitraries.oneOf(text(8), Arbitraries.of("\\n", "\\t", "\\\"", "\\\\",
				"\\u263A", "\\x00", "\\x85", "\\U0001F600", "\\e", "\\N", "\\_", "\\L", "\\P", "\\q", "\\u", "\\uD800",
				"\\", "'", "\n", "\n\n", "\\\n", "\u2028", "\u0085", "\uFEFF"));
		return piece.list().ofMaxSize(6).map((pieces) -> "\"" + String.join("", pieces).replace("\"", "\\\"") + "\"");
	}

	private static Arbitrary<String> singleQuoted() {
		return text(20).map((text) -> "'" + text.replace("'", "''") + "'");
	}

	/** Text from a mix of YAML's indicators, whitespace and the rest of Unicode; now and then controls too. */
	static Arbitrary<String> text(int maxLength) {
		Arbitrary<Character> printable = Arbitraries.frequencyOf(
				weighted(8, Arbitraries.chars().with("abcxyz_-0129 ")),
				weighted(3, Arbitraries.chars().with("[]{}:,-#&*!|>'\"%@`?\\\t\n\r~<=.")),
				weighted(1, Arbitraries.chars().range('\u00A0', '\uD7FF')));
		Arbitrary<Character> any = Arbitraries.frequencyOf(weighted(20, printable),
				weighted(1, Arbitraries.chars().with('\u0000', '\u0085', '\u2028', '\u2029', '\uFEFF', '\uFFFE',
						'\u200B', '\u202E', '\u0301', '\uD800', '\uDC00')),
				weighted(1, Arbitraries.chars().all()))
			// Their edge cases (NUL, a lone surrogate) would otherwise be in most files, and make all of them
			// unreadable the same way.
			.withoutEdgeCases();
		Arbitrary<List<Character>> chars = Arbitraries.frequencyOf(weighted(40, printable.list().ofMaxSize(maxLength)),
				weighted(1, any.list().ofMaxSize(maxLength)));
		return chars.map((characters) -> {
			StringBuilder text = new StringBuilder();
			characters.forEach(text::append);
			return text.toString();
		});
	}

	/** Text that need not be YAML at all, with unbalanced brackets, tabs and fences inside. */
	static Arbitrary<String> garbage() {
		Arbitrary<String> line = Arbitraries.oneOf(text(60), Arbitraries.of("---", "...", "- [", "{ a: [", "\t- x",
				"  - y", "a: b: c", "? ", "&a [*a]", "*a", "%TAG ! !foo", "<<: *a", "!!", "!<>"));
		return line.list().ofMaxSize(8).map((lines) -> String.join("\n", lines));
	}

	/** Aliases of aliases given to a field, up to a dozen wide and deep: exponentially many values if expanded. */
	static Arbitrary<String> laughs() {
		Arbitrary<Integer> size = Arbitraries.integers().between(1, 12);
		return Combinators.combine(size, size, Arbitraries.of(TASK_FIELDS)).as(HostileYaml::laughs);
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
