package dev.spool.workspace;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML front matter of a file in {@code tasks/} or {@code agents/} and the body after it, read so that no text
 * can make reading throw, run long or use much memory; every field reader names the field and says what is wrong.
 */
public final class FrontMatter {

	/** Front matter holds a few short fields; anything longer is not one a person wrote. */
	static final int MAX_LENGTH = 64 * 1024;

	private static final String FENCE = "---";

	private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]+");

	private static final Pattern NUMBER = Pattern
		.compile("[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");

	/** A YAML 1.1 timestamp, which people write unquoted: {@code 2026-11-25} or {@code 2026-11-25 10:00:00}. */
	private static final Pattern TIMESTAMP = Pattern.compile("([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
			+ "(?:(?:[Tt]|[ \\t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{0,9})[0-9]*)?"
			+ "(?:[ \\t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?");

	/** Compiles its patterns once; resolving only reads them, so threads can share it. */
	private static final Resolver RESOLVER = new Resolver();

	private final Map<String, Node> fields;

	private final String body;

	private final String problem;

	private FrontMatter(Map<String, Node> fields, String body, String problem) {
		this.fields = fields;
		this.body = body;
		this.problem = problem;
	}

	/** Splits a file's text into front matter and body; never throws, whatever the text. */
	public static FrontMatter parse(String text) {
		String normalized = (text != null) ? text : "";
		normalized = normalized.startsWith("\uFEFF") ? normalized.substring(1) : normalized;
		normalized = normalized.replace("\r\n", "\n");
		if (!normalized.startsWith(FENCE + "\n")) {
			return new FrontMatter(Map.of(), normalized.strip(), null);
		}
		int end = normalized.indexOf("\n" + FENCE, FENCE.length());
		if (end < 0) {
			return new FrontMatter(Map.of(), normalized.strip(), "front matter has no closing '---' line");
		}
		String yaml = normalized.substring(FENCE.length() + 1, end + 1);
		int bodyStart = normalized.indexOf('\n', end + 1 + FENCE.length());
		String body = (bodyStart < 0) ? "" : normalized.substring(bodyStart + 1).strip();
		if (yaml.length() > MAX_LENGTH) {
			return new FrontMatter(Map.of(), body, "front matter is longer than " + MAX_LENGTH + " characters");
		}
		try {
			Map<String, Node> simple = simpleFields(yaml);
			return new FrontMatter((simple != null) ? simple : fields(compose(yaml)), body, null);
		}
		catch (InvalidFrontMatterException ex) {
			return new FrontMatter(Map.of(), body, ex.getMessage());
		}
		catch (MarkedYAMLException ex) {
			String what = (ex.getProblem() != null) ? ex.getProblem() : ex.getContext();
			// Line 1 of the file is the opening fence.
			String where = (ex.getProblemMark() != null) ? " at line " + (ex.getProblemMark().getLine() + 2) : "";
			String problem = ProblemText.oneLine("front matter cannot be read" + where + ": " + what);
			return new FrontMatter(Map.of(), body, problem);
		}
		catch (RuntimeException | StackOverflowError ex) {
			// The limits in compose() keep the parser's recursion shallow; should one be missed, a stack overflow
			// here has changed nothing outside this call, so it is one more unreadable file, not a reason to stop.
			return new FrontMatter(Map.of(), body, "front matter cannot be read: " + ProblemText.describe(ex));
		}
	}

	/**
	 * The fields of front matter in the form nearly every task file has, {@code key: value} lines of plain words or
	 * double-quoted text without escapes (as Spool writes them), read
	 * without the YAML parser (a tenth of the start of a large workspace went to it); null for anything else, which
	 * the parser reads. The values are the nodes the parser would make: plain scalars, typed by the same resolver.
	 */
	static Map<String, Node> simpleFields(String yaml) {
		Map<String, Node> fields = new LinkedHashMap<>();
		int start = 0;
		while (start < yaml.length()) {
			int end = yaml.indexOf('\n', start);
			if (end < 0) {
				end = yaml.length();
			}
			int colon = yaml.indexOf(':', start);
			if (colon <= start || colon >= end || !isSimpleKey(yaml, start, colon)) {
				return null;
			}
			ScalarNode node;
			if (colon + 1 == end) {
				node = plain("");
			}
			else if (yaml.charAt(colon + 1) != ' ' || colon + 2 >= end) {
				return null;
			}
			else if (isSimpleValue(yaml, colon + 2, end)) {
				node = plain(yaml.substring(colon + 2, end));
			}
			else if (isSimpleQuoted(yaml, colon + 2, end)) {
				// Quoted text is text, whatever it says: the parser resolves it so too.
				String value = yaml.substring(colon + 3, end - 1);
				node = new ScalarNode(RESOLVER.resolve(NodeId.scalar, value, false), value, null, null,
						DumperOptions.ScalarStyle.DOUBLE_QUOTED);
			}
			else {
				return null;
			}
			if (fields.put(yaml.substring(start, colon), node) != null) {
				return null;
			}
			start = end + 1;
		}
		return fields;
	}

	private static ScalarNode plain(String value) {
		return new ScalarNode(RESOLVER.resolve(NodeId.scalar, value, true), value, null, null,
				DumperOptions.ScalarStyle.PLAIN);
	}

	/**
	 * A double-quoted value with no escape in it, as Spool writes a title or a time: characters the parser takes as
	 * they are (printable, no backslash, no inner quote), between the quotes that open and end it.
	 */
	private static boolean isSimpleQuoted(String yaml, int from, int to) {
		if (to - from < 2 || yaml.charAt(from) != '"' || yaml.charAt(to - 1) != '"') {
			return false;
		}
		for (int i = from + 1; i < to - 1; i++) {
			char c = yaml.charAt(i);
			boolean printable = (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
			if (!printable || c == '"' || c == '\\' || c == 0xFEFF) {
				return false;
			}
		}
		return true;
	}

	/** A lower-case word: never a merge key, an indicator or anything the parser reads otherwise. */
	private static boolean isSimpleKey(String yaml, int from, int to) {
		for (int i = from; i < to; i++) {
			char c = yaml.charAt(i);
			boolean letter = c >= 'a' && c <= 'z';
			if (!letter && (i == from || !(c == '_' || c == '-' || (c >= '0' && c <= '9')))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Words a plain scalar holds as written: starting with a letter, digit or one of {@code _ . /}, of letters,
	 * digits, single spaces and {@code _ . , / + - ( ) '}, and colons not followed by a space or the end; no
	 * indicator, comment, quote at the start, tab or trailing space that would make the parser read it otherwise.
	 */
	private static boolean isSimpleValue(String yaml, int from, int to) {
		char first = yaml.charAt(from);
		if (!(Character.isLetterOrDigit(first) && first < 128) && first != '_' && first != '.' && first != '/') {
			return false;
		}
		for (int i = from; i < to; i++) {
			char c = yaml.charAt(i);
			boolean word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
			if (word || c == '_' || c == '.' || c == ',' || c == '/' || c == '+' || c == '-' || c == '(' || c == ')'
					|| c == '\'') {
				continue;
			}
			if (c == ' ' && i + 1 < to && yaml.charAt(i + 1) != ' ') {
				continue;
			}
			if (c == ':' && i + 1 < to && yaml.charAt(i + 1) != ' ') {
				continue;
			}
			return false;
		}
		return true;
	}

	/**
	 * Builds the node graph without constructing values, so aliases are never expanded, within limits no front
	 * matter a person writes comes near.
	 */
	private static Node compose(String yaml) {
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(10);
		options.setNestingDepthLimit(16);
		options.setCodePointLimit(MAX_LENGTH);
		options.setAllowRecursiveKeys(false);
		return new Composer(new ParserImpl(new StreamReader(yaml), options), RESOLVER, options).getSingleNode();
	}

	/** The fields as the YAML parser reads them, whatever the form: what {@link #simpleFields} must agree with. */
	static Map<String, Node> parsedFields(String yaml) {
		return fields(compose(yaml));
	}

	private static Map<String, Node> fields(Node root) {
		if (isNull(root)) {
			return Map.of();
		}
		if (!(root instanceof MappingNode mapping)) {
			throw new InvalidFrontMatterException("front matter is not a set of 'key: value' lines");
		}
		return fields(mapping, Collections.newSetFromMap(new IdentityHashMap<>()));
	}

	/** The keys that are text, with merge keys ({@code <<: *defaults}) applied: keys written here win. */
	private static Map<String, Node> fields(MappingNode mapping, Set<Node> visited) {
		Map<String, Node> fields = new LinkedHashMap<>();
		List<MappingNode> merged = new ArrayList<>();
		for (NodeTuple tuple : mapping.getValue()) {
			Node key = tuple.getKeyNode();
			if (Tag.MERGE.equals(key.getTag())) {
				merged.addAll(mergedMaps(tuple.getValueNode()));
			}
			else if (key instanceof ScalarNode scalar && fields.put(scalar.getValue(), tuple.getValueNode()) != null) {
				throw invalid(scalar.getValue(), "given more than once");
			}
		}
		visited.add(mapping);
		for (MappingNode other : merged) {
			// A map that merges itself, directly or not, adds nothing it does not already have.
			if (!visited.contains(other)) {
				fields(other, visited).forEach(fields::putIfAbsent);
			}
		}
		return fields;
	}

	private static List<MappingNode> mergedMaps(Node value) {
		if (value instanceof MappingNode mapping) {
			return List.of(mapping);
		}
		List<MappingNode> maps = new ArrayList<>();
		if (value instanceof SequenceNode sequence) {
			for (Node item : sequence.getValue()) {
				if (!(item instanceof MappingNode mapping)) {
					throw invalid("<<", "merges only maps");
				}
				maps.add(mapping);
			}
			return maps;
		}
		throw invalid("<<", "merges only maps");
	}

	/** The body after the front matter, without surrounding blank space. */
	public String body() {
		return this.body;
	}

	/** Why the front matter could not be read, in one line, or null when it could. */
	public String problem() {
		return this.problem;
	}

	/** A field that holds text of any kind ({@code title: 2026} is the text "2026"), or null when absent. */
	public String text(String field) {
		return value(field, "text", Optional::of);
	}

	/**
	 * A field that holds one value, or null when absent or empty.
	 * @param what what the value must be, for the problem: "a task id"
	 * @param parse reads the value's text, empty when it is not one
	 */
	public <T> T value(String field, String what, Function<String, Optional<T>> parse) {
		Node node = this.fields.get(field);
		if (isNull(node)) {
			return null;
		}
		String text = scalar(node, field, "", what);
		return parse.apply(text)
			.orElseThrow(() -> invalid(field, ProblemText.quoted(text) + " is not " + what));
	}

	/** A field that holds one value or a list of them; absent or empty means none. */
	public <T> List<T> list(String field, String what, Function<String, Optional<T>> parse) {
		Node node = this.fields.get(field);
		if (node instanceof MappingNode) {
			throw invalid(field, "is a map, not " + what + " or a list of them");
		}
		if (!(node instanceof SequenceNode sequence)) {
			T value = value(field, what, parse);
			return (value != null) ? List.of(value) : List.of();
		}
		List<T> values = new ArrayList<>();
		for (Node item : sequence.getValue()) {
			String position = "item " + (values.size() + 1) + " ";
			if (isNull(item)) {
				throw invalid(field, position + "is empty, not " + what);
			}
			String text = scalar(item, field, position, what);
			values.add(parse.apply(text)
				.orElseThrow(() -> invalid(field, position + ProblemText.quoted(text) + " is not " + what)));
		}
		return values;
	}

	/**
	 * A field that must hold a list of strings ({@code [a, "b"]} or one {@code - item} a line), or null when absent.
	 * An item that YAML reads as something else (a number, {@code true}, a map, nothing) is a problem: quoting it
	 * makes it a string.
	 */
	public List<String> strings(String field) {
		if (!this.fields.containsKey(field)) {
			return null;
		}
		Node node = this.fields.get(field);
		if (!(node instanceof SequenceNode sequence)) {
			throw invalid(field, "must be a list of strings, such as [\"ollama\", \"run\", \"llama3.2\"]");
		}
		List<String> values = new ArrayList<>();
		for (Node item : sequence.getValue()) {
			String position = "item " + (values.size() + 1) + " ";
			if (!(item instanceof ScalarNode scalar) || !Tag.STR.equals(scalar.getTag())) {
				String kind = (item instanceof SequenceNode) ? "a list" : (item instanceof MappingNode) ? "a map"
						: isNull(item) ? "empty" : ProblemText.quoted(((ScalarNode) item).getValue());
				throw invalid(field, position + "is " + kind + ", not a string (quote it to make it one)");
			}
			values.add(scalar.getValue());
		}
		return values;
	}

	/** A field that holds {@code true} or {@code false}, or null when absent or empty. */
	public Boolean bool(String field) {
		return value(field, "true or false", (text) -> {
			String word = text.strip();
			return word.equals("true") ? Optional.of(true) : word.equals("false") ? Optional.of(false) : Optional.empty();
		});
	}

	/** A field that holds a whole number that fits an {@code int}, or null when absent or empty. */
	public Integer wholeNumber(String field) {
		return value(field, "a whole number", (text) -> {
			String digits = text.strip();
			if (!WHOLE_NUMBER.matcher(digits).matches()) {
				return Optional.empty();
			}
			BigInteger number = new BigInteger(digits);
			if (number.bitLength() > 31) {
				throw invalid(field, ProblemText.quoted(text) + " is out of range (" + Integer.MIN_VALUE + " to "
						+ Integer.MAX_VALUE + ")");
			}
			return Optional.of(number.intValue());
		});
	}

	/** A field that holds a finite decimal number, or null when absent or empty. */
	public Double number(String field) {
		return value(field, "a number", (text) -> {
			String digits = text.strip();
			if (!NUMBER.matcher(digits).matches()) {
				return Optional.empty();
			}
			double number = Double.parseDouble(digits);
			if (Double.isInfinite(number)) {
				throw invalid(field, ProblemText.quoted(text) + " is out of range");
			}
			return Optional.of(number);
		});
	}

	/**
	 * A field that holds a time: an ISO-8601 instant ({@code 2026-11-25T10:00:00Z}) or a YAML timestamp
	 * ({@code 2026-11-25 10:00:00}, UTC unless it says otherwise); null when absent or empty.
	 */
	public Instant instant(String field) {
		return value(field, "a time such as 2026-11-25T10:00:00Z", FrontMatter::time);
	}

	private static Optional<Instant> time(String text) {
		String time = text.strip();
		try {
			return Optional.of(Instants.parse(time));
		}
		catch (DateTimeException ex) {
			// Not ISO-8601; perhaps a YAML timestamp.
		}
		Matcher matcher = TIMESTAMP.matcher(time);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		try {
			String fraction = (matcher.group(7) != null) ? matcher.group(7) : "";
			LocalDateTime local = LocalDateTime.of(number(matcher, 1), number(matcher, 2), number(matcher, 3),
					number(matcher, 4), number(matcher, 5), number(matcher, 6),
					Integer.parseInt((fraction + "000000000").substring(0, 9)));
			ZoneOffset offset = ZoneOffset.UTC;
			if (matcher.group(9) != null) {
				int sign = matcher.group(9).equals("-") ? -1 : 1;
				offset = ZoneOffset.ofHoursMinutes(sign * number(matcher, 10), sign * number(matcher, 11));
			}
			return Optional.of(local.toInstant(offset));
		}
		catch (DateTimeException ex) {
			return Optional.empty();
		}
	}

	private static int number(Matcher matcher, int group) {
		return (matcher.group(group) != null) ? Integer.parseInt(matcher.group(group)) : 0;
	}

	/** A value's text as written; other tags are ignored, but binary data is an encoding, not the text itself. */
	private static String scalar(Node node, String field, String position, String what) {
		if (node instanceof ScalarNode scalar && !Tag.BINARY.equals(scalar.getTag())) {
			return scalar.getValue();
		}
		if (node instanceof ScalarNode) {
			throw invalid(field, position + "is binary data, not " + what);
		}
		String kind = (node instanceof SequenceNode) ? "a list" : "a map";
		throw invalid(field, position + "is " + kind + ", not " + what);
	}

	private static boolean isNull(Node node) {
		return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
	}

	private static InvalidFrontMatterException invalid(String field, String why) {
		return new InvalidFrontMatterException(ProblemText.oneLine(quotedKey(field) + ": " + why));
	}

	private static String quotedKey(String field) {
		return field.matches("[A-Za-z0-9_<-]{1,40}") ? field : ProblemText.quoted(field);
	}

	/** A front-matter field that holds the wrong kind of value; its message is the one-line problem. */
	public static final class InvalidFrontMatterException extends IllegalArgumentException {

		InvalidFrontMatterException(String message) {
			super(message, null);
		}

	}

}
