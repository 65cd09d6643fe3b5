package dev.spool;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a property over generated input from a printed seed and reports the first failing try with its seed, its input
 * and the smallest failing input found, so that it can be replayed: {@code -Dspool.property.tries=N} sets how many
 * tries (default 1,000), {@code -Dspool.property.seed=S} replays a run.
 *
 * @param <T> the generated input
 */
public final class PropertyCheck<T> {

	private static final int DEFAULT_TRIES = 1000;

	private static final int SHOWN_CHARACTERS = 2000;

	private static final int SHRINK_STEPS = 2000;

	private static final long SHRINK_NANOS = 5_000_000_000L;

	/** Below this many tries the outcomes say nothing about coverage, as when replaying one try. */
	private static final int TRIES_FOR_COVERAGE = 100;

	private final String name;

	private final Function<Random, T> generator;

	private Function<T, Stream<T>> smaller = (input) -> Stream.empty();

	private Function<T, String> description = String::valueOf;

	private PropertyCheck(String name, Function<Random, T> generator) {
		this.name = name;
		this.generator = generator;
	}

	/** A property named as its test method, over input from the generator. */
	public static <T> PropertyCheck<T> forAll(String name, Function<Random, T> generator) {
		return new PropertyCheck<>(name, generator);
	}

	/** Candidates smaller than a failing input, biggest steps first, to look for a smaller example. */
	public PropertyCheck<T> shrinkingWith(Function<T, Stream<T>> smaller) {
		this.smaller = smaller;
		return this;
	}

	/** How an input is shown in a failure, before control characters are escaped. */
	public PropertyCheck<T> describedBy(Function<T, String> description) {
		this.description = description;
		return this;
	}

	/** Checks the property on every try; it fails by throwing. */
	public void check(Consumer<T> property) {
		classify((input) -> {
			property.accept(input);
			return "checked";
		});
	}

	/** Checks the property on every try and counts the outcome it names for each, to check coverage afterwards. */
	public Outcomes classify(Function<T, String> property) {
		int tries = Integer.getInteger("spool.property.tries", DEFAULT_TRIES);
		long seed = Long.getLong("spool.property.seed", ThreadLocalRandom.current().nextLong());
		System.out.println("[property] " + this.name + ": seed " + seed + " (replay with -Dspool.property.seed=" + seed
				+ ")");
		Map<String, Integer> outcomes = new LinkedHashMap<>();
		for (int attempt = 0; attempt < tries; attempt++) {
			T input = this.generator.apply(random(seed + attempt));
			String outcome;
			try {
				outcome = property.apply(input);
			}
			catch (Throwable failure) {
				throw failed(property, seed, attempt, tries, input, failure);
			}
			outcomes.merge(outcome, 1, Integer::sum);
		}
		return new Outcomes(this.name, seed, tries, outcomes);
	}

	/**
	 * Each try's own source of randomness, so that one try replays alone from seed plus try. The seed is mixed first
	 * because {@link Random} gives nearly the same first values for neighbouring seeds.
	 */
	private static Random random(long seed) {
		long mixed = (seed ^ (seed >>> 30)) * 0xbf58476d1ce4e5b9L;
		mixed = (mixed ^ (mixed >>> 27)) * 0x94d049bb133111ebL;
		return new Random(mixed ^ (mixed >>> 31));
	}

	private AssertionError failed(Function<T, String> property, long seed, int attempt, int tries, T input,
			Throwable failure) {
		StringBuilder message = new StringBuilder().append("property ")
			.append(this.name)
			.append(" failed on try ")
			.append(attempt)
			.append(" of ")
			.append(tries)
			.append(" with seed ")
			.append(seed)
			.append(" (replay the run with -Dspool.property.seed=")
			.append(seed)
			.append(", only this try with -Dspool.property.seed=")
			.append(seed + attempt)
			.append(" -Dspool.property.tries=1)");
		Shrunk<T> smallest = shrink(property, input, failure);
		if (smallest.steps() > 0) {
			message.append("\nsmallest failing input, found in ")
				.append(smallest.steps())
				.append(" steps: ")
				.append(show(smallest.input()))
				.append("\nits failure: ")
				.append(show(smallest.failure()));
		}
		message.append("\ninput: ").append(show(input)).append("\nfailure: ").append(show(failure));
		// Not the failure as cause: its message holds the input raw, and a lone surrogate in it cuts off the report.
		AssertionError error = new AssertionError(message.toString());
		error.setStackTrace(failure.getStackTrace());
		return error;
	}

	/** Greedily takes the first smaller candidate that still fails, until none does or the budget is spent. */
	private Shrunk<T> shrink(Function<T, String> property, T input, Throwable failure) {
		Shrunk<T> smallest = new Shrunk<>(input, failure, 0);
		long deadline = System.nanoTime() + SHRINK_NANOS;
		int evaluations = 0;
		boolean shrunk = true;
		while (shrunk && evaluations < SHRINK_STEPS && System.nanoTime() < deadline) {
			shrunk = false;
			for (T candidate : (Iterable<T>) this.smaller.apply(smallest.input())::iterator) {
				if (++evaluations > SHRINK_STEPS || System.nanoTime() > deadline) {
					break;
				}
				Throwable candidateFailure = failureOf(property, candidate);
				if (candidateFailure != null) {
					smallest = new Shrunk<>(candidate, candidateFailure, smallest.steps() + 1);
					shrunk = true;
					break;
				}
			}
		}
		return smallest;
	}

	private static <T> Throwable failureOf(Function<T, String> property, T input) {
		try {
			property.apply(input);
			return null;
		}
		catch (Throwable failure) {
			return failure;
		}
	}

	private String show(T input) {
		return shortened(GeneratedText.escape(this.description.apply(input)));
	}

	private static String show(Throwable failure) {
		StringBuilder shown = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			shown.append((cause != failure) ? "\ncaused by: " : "").append(GeneratedText.visible(cause.toString()));
		}
		return shortened(shown.toString());
	}

	private static String shortened(String shown) {
		if (shown.length() <= SHOWN_CHARACTERS) {
			return shown;
		}
		return shown.substring(0, SHOWN_CHARACTERS) + "... (" + shown.length()
				+ " characters in all; the seed gives all of it)";
	}

	/**
	 * How often each outcome came up in a run.
	 *
	 * @param property the property's name
	 * @param seed the run's seed
	 * @param tries how many tries the run made
	 * @param counts tries per outcome
	 */
	public record Outcomes(String property, long seed, int tries, Map<String, Integer> counts) {

		/** Asserts that an outcome came up in more than a share of the tries, so the input reaches it. */
		public Outcomes reachMoreThan(String outcome, int percent) {
			if (this.tries >= TRIES_FOR_COVERAGE) {
				assertThat(this.counts.getOrDefault(outcome, 0) * 100.0 / this.tries)
					.as("share of tries where %s came up in property %s, seed %d, outcomes %s", outcome,
							this.property, this.seed, this.counts)
					.isGreaterThan(percent);
			}
			return this;
		}

	}

	private record Shrunk<T>(T input, Throwable failure, int steps) {
	}

}
