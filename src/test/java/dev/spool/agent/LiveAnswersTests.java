package dev.spool.agent;

import java.util.ArrayList;
import java.util.List;

import dev.spool.workspace.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Followers of an answer being written get what was written so far, then each piece, then its end. */
class LiveAnswersTests {

	private final LiveAnswers live = new LiveAnswers();

	private final TaskId id = TaskId.of(1);

	@Test
	void aLateFollowerGetsTheTextSoFarThenEachPieceThenTheEnd() {
		this.live.started(this.id);
		this.live.append(this.id, "Hello");
		List<String> seen = new ArrayList<>();

		this.live.follow(this.id, listener(seen));
		this.live.append(this.id, ", world");
		this.live.finished(this.id);

		assertThat(seen).containsExactly("Hello", ", world", "<end>");
		assertThat(this.live.current(this.id)).isEmpty();
	}

	@Test
	void aFollowerThatLeftHearsNothingMore() {
		this.live.started(this.id);
		List<String> seen = new ArrayList<>();
		Runnable unfollow = this.live.follow(this.id, listener(seen));

		unfollow.run();
		this.live.append(this.id, "unheard");

		assertThat(seen).containsExactly("");
		assertThat(this.live.current(this.id)).hasValue("unheard");
	}

	@Test
	void aFollowerMayLeaveAfterTheAnswerFinished() {
		this.live.started(this.id);
		List<String> seen = new ArrayList<>();
		Runnable unfollow = this.live.follow(this.id, listener(seen));
		this.live.finished(this.id);

		// The answer stream of a page ends when the answer does, and only then lets go of it.
		unfollow.run();

		assertThat(seen).containsExactly("", "<end>");
	}

	/** Adds each piece it hears to {@code seen}, and {@code <end>} at the end. */
	static LiveAnswers.Listener listener(List<String> seen) {
		return new LiveAnswers.Listener() {

			@Override
			public void text(String piece) {
				seen.add(piece);
			}

			@Override
			public void end() {
				seen.add("<end>");
			}

		};
	}

}
