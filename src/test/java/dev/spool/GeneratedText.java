package dev.spool;

import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** Generated text as a failure shows it, and the smaller texts that a failing one shrinks to. */
public final class GeneratedText {

	private GeneratedText() {
	}

	/** Text as a Java string literal, with every control, format, separator and surrogate character escaped. */
	public static String escape(String text) {
		return "\"" + escaped(text, false) + "\"";
	}

	/** Text with the same characters escaped except its line feeds, which stay lines: for messages about text. */
	public static String visible(String text) {
		return escaped(text, true);
	}

	private static String escaped(String text, boolean keepLineFeeds) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append(keepLineFeeds ? "\"" : "\\\"");
				case '\\' -> out.append(keepLineFeeds ? "\\" : "\\\\");
				case '\n' -> out.append(keepLineFeeds ? "\n" : "\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c != ' ' && invisible(c)) {
						out.append(String.format("\\u%04X", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		return out.toString();
	}

	private static boolean invisible(char c) {
		return switch (Character.getType(c)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
					Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
					Character.NON_SPACING_MARK, Character.ENCLOSING_MARK ->
				true;
			default -> false;
		};
	}

	/** Smaller texts: each line left out, then ever smaller pieces left out, halves first. */
	public static Stream<String> smaller(String text) {
		String[] lines = text.split("(?<=\n)");
		Stream<String> withoutALine = (lines.length < 2) ? Stream.empty()
				: IntStream.range(0, lines.length).mapToObj((line) -> String.join("", Arrays.asList(lines).subList(0,
						line)) + String.join("", Arrays.asList(lines).subList(line + 1, lines.length)));
		Stream<String> withoutAPiece = Stream.iterate(text.length() / 2, (size) -> size > 0, (size) -> size / 2)
			.flatMap((size) -> IntStream.iterate(0, (start) -> start < text.length(), (start) -> start + size)
				.mapToObj((start) -> text.substring(0, start) + text.substring(Math.min(text.length(), start + size))));
		return Stream.concat(withoutALine, withoutAPiece);
	}

}
