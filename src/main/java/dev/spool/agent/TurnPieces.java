package dev.spool.agent;

import java.util.function.Consumer;

/**
 * The pieces of a conversation's turns handed on as one text, as they stream: a turn's text is set off from the text of
 * the turns before it by a blank line, so that what the model said before calling a tool does not run into what it
 * says after.
 */
final class TurnPieces {

	private final Consumer<String> onPiece;

	private volatile boolean written;

	TurnPieces(Consumer<String> onPiece) {
		this.onPiece = onPiece;
	}

	/** Where the next turn's pieces go. */
	Consumer<String> next() {
		boolean[] started = { false };
		return (piece) -> {
			String text = (!started[0] && this.written) ? "\n\n" + piece : piece;
			started[0] = true;
			this.written = true;
			this.onPiece.accept(text);
		};
	}

}
