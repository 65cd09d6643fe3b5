package dev.spool.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell snippets of PROTOCOL.md, each marked on the line before its fence: {@code <!-- snippet: run NAME -->} for
 * one a test runs against a real workspace (the scene of that name in {@link ShellAgentTests}), {@code <!-- snippet:
 * fragment -->} for a piece that cannot run alone (a loop's body), which is only checked with {@code bash -n}.
 */
final class ProtocolSnippets {

	static final Path DOCUMENT = Path.of("PROTOCOL.md").toAbsolutePath();

	private static final Pattern FENCE = Pattern.compile("^\\s*```(bash|sh|shell)\\s*$");

	private static final Pattern MARKER = Pattern.compile("^\\s*<!-- snippet: (run ([a-z0-9-]+)|fragment) -->\\s*$");

	private ProtocolSnippets() {
	}

	/**
	 * Every shell block of the document, in order.
	 * @throws AssertionError for a block without a marker, so that no example escapes the test
	 */
	static List<Snippet> read() throws IOException {
		List<String> lines = Files.readAllLines(DOCUMENT);
		List<Snippet> snippets = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			if (!FENCE.matcher(lines.get(i)).matches()) {
				continue;
			}
			Matcher marker = (i > 0) ? MARKER.matcher(lines.get(i - 1)) : null;
			if (marker == null || !marker.matches()) {
				throw new AssertionError("PROTOCOL.md line " + (i + 1) + ": a shell block without a marker on the line"
						+ " before it; write <!-- snippet: run NAME --> (and a scene NAME in ShellAgentTests) or"
						+ " <!-- snippet: fragment --> (checked with bash -n only)");
			}
			String indent = lines.get(i).substring(0, lines.get(i).indexOf('`'));
			StringBuilder text = new StringBuilder();
			int start = i + 1;
			for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
				String line = lines.get(i);
				text.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
			}
			snippets.add(new Snippet(marker.group(2), start + 1, text.toString()));
		}
		return snippets;
	}

	/**
	 * One shell block.
	 *
	 * @param name the scene that runs it, or null for a fragment
	 * @param line where its text starts in PROTOCOL.md, from 1
	 * @param text its text
	 */
	record Snippet(String name, int line, String text) {

		boolean isFragment() {
			return this.name == null;
		}

	}

}
